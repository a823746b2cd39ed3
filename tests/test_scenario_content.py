"""The shipped scenarios: enough of them on each topic and skill, well formed,
playable to an end on every path, passable on the best one and on no path across a
red line, and (through the checker) readable and citing public guidance."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from casebook.taxonomy import SKILLS
from casebook.training.catalogue import SHIPPED, load_catalogue
from casebook.training.checker import check_files
from casebook.training.content_rules import read_guidance_sites
from casebook.training.paths import all_paths
from casebook.training.play import Play
from casebook.training.readability import words_in
from casebook.training.review_table import review_table

SCENARIOS, ISSUES = check_files([SHIPPED])
IDS = [s.id for s in SCENARIOS]
# Names that were right once and are wrong now: (old name, its replacement). A
# sentence may still name the old one if it names the new one too ("Report
# Fraud, which replaced Action Fraud").
OUTDATED = [("Action Fraud", "Report Fraud")]
# What a help desk meets, in proportion: the coverage the content review asked for.
AT_LEAST = {"scenarios": 31, "Open Wi-Fi safety": 4, "Success stories": 4, "per skill": 5}


def test_every_shipped_scenario_passes_the_checker():
    """Shape, red lines, sources on public guidance sites, reviewed within a year, plain
    English: errors and warnings alike (a warning here is work to do)."""
    assert [str(issue) for issue in ISSUES] == []


def test_there_are_enough_scenarios_on_each_topic():
    topics = [s.topic for s in SCENARIOS]
    assert len(SCENARIOS) >= AT_LEAST["scenarios"]
    assert topics.count("Open Wi-Fi safety") >= AT_LEAST["Open Wi-Fi safety"]
    assert topics.count("Success stories") >= AT_LEAST["Success stories"]
    assert topics.count("Common enquiries") == len(SCENARIOS) - topics.count(
        "Open Wi-Fi safety") - topics.count("Success stories")
    assert len(set(IDS)) == len(IDS)


def test_every_essential_digital_skill_is_practised_often():
    counts = {skill: sum(skill in s.skills for s in SCENARIOS) for skill in SKILLS}
    assert {k: v for k, v in counts.items() if v < AT_LEAST["per skill"]} == {}, counts


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_size_branching_and_endings(scenario):
    assert 4 <= len(scenario.nodes) <= 12
    outcomes = {n.ending.outcome for n in scenario.nodes.values() if n.ending}
    assert "good" in outcomes and outcomes & {"mixed", "poor"}
    assert any(len({c.next for c in n.choices}) > 1 for n in scenario.nodes.values()), \
        "choices must have real consequences: some node must branch"
    assert all(s.url.startswith("https://") and s.title for s in scenario.sources)


@cache
def _paths(scenario_id):
    """Every complete path, as the engine plays it (certainty never changes a pass)."""
    return all_paths(next(s for s in SCENARIOS if s.id == scenario_id))


def _crosses_a_red_line(path):
    return any(step.red_line for step in path.steps)


def _describe(path):
    steps = " > ".join(f"{s.node_id}:{s.choice_index}{'!' if s.red_line else ''}"
                       for s in path.steps)
    return f"{steps} => {path.ending} ({path.outcome}), {path.points} points"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_path_ends(scenario):
    """Walk every choice with the engine: none is stuck or loops, and each one reaches
    an ending, the same ones the path lister finds."""
    finished, todo = 0, [Play(scenario)]
    while todo:
        play = todo.pop()
        if play.finished:
            finished += 1
            continue
        offered = play.offered()
        assert offered, f"{scenario.id}: stuck at {play.node_id} with {play.points} points"
        assert play.node_id not in {s.node_id for s in play.path()}, \
            f"{scenario.id}: a path loops back to {play.node_id}"
        for index, _ in offered:
            branch = play.copy()
            branch.choose(index, "not sure" if scenario.certainty else None)
            todo.append(branch)
    paths = _paths(scenario.id)
    assert finished == len(paths) > 0
    assert all(scenario.nodes[p.ending].ending is not None for p in paths)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_best_path_passes_and_some_path_falls_short(scenario):
    paths = _paths(scenario.id)
    assert any(p.passed for p in paths)
    clean = [p for p in paths if not _crosses_a_red_line(p)]
    best = max(clean, key=lambda p: p.points)
    assert best.passed, _describe(best)
    assert best.points == Play(scenario).max_score
    assert any(not p.passed for p in clean), "some path should fall short of the pass mark"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_no_path_across_a_red_line_passes_or_ends_in_success(scenario):
    across = [p for p in _paths(scenario.id) if _crosses_a_red_line(p)]
    assert [_describe(p) for p in across if p.passed] == []
    assert [_describe(p) for p in across if p.outcome == "good"] == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_red_line_names_its_line_and_earns_nothing(scenario):
    for node in scenario.nodes.values():
        for choice in node.choices:
            assert choice.score >= 0 or choice.red_line, choice.label
            if choice.red_line:
                assert choice.score <= 0, choice.label
                assert choice.red_line.endswith(".") and len(words_in(choice.red_line)) >= 5


def _texts(scenario):
    for node in scenario.nodes.values():
        yield f"node {node.id}", node.text
        for choice in node.choices:
            yield f"feedback for {choice.label!r}", choice.feedback
            if choice.red_line:
                yield f"red line for {choice.label!r}", choice.red_line
        if node.ending:
            yield f"ending {node.id}", node.ending.text


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_no_outdated_names(scenario):
    text = "\n".join(t for _, t in _texts(scenario)) + "\n".join(
        c.label for n in scenario.nodes.values() for c in n.choices)
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for old, new in OUTDATED:
            assert old not in sentence or new in sentence, (
                f"{old!r} has been replaced by {new!r}: {sentence!r}")


def test_the_catalogue_offers_them_all_grouped_by_topic():
    catalogue = load_catalogue()
    assert sorted(s.id for s in catalogue.scenarios) == sorted(IDS)
    assert list(catalogue.by_topic()) == [t for t in ("Open Wi-Fi safety", "Common enquiries",
                                                       "Success stories")
                                           if t in catalogue.by_topic()]


def test_the_content_review_lists_every_shipped_scenario_as_it_is():
    page = (Path(__file__).parents[1] / "docs" / "content-review.md").read_text()
    table = page.split("<!-- table starts -->\n")[1].split("<!-- table ends -->")[0]
    assert table == review_table(SCENARIOS, read_guidance_sites()), (
        "docs/content-review.md is out of date: paste in `casebook scenarios list`")
