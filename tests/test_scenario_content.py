"""The shipped scenarios: enough of them, well formed, playable to an end on every
path, passable on the best one, readable, and citing public guidance."""

from __future__ import annotations

import re
from statistics import mean

import pytest

from casebook.training.catalogue import SHIPPED, load_catalogue
from casebook.training.checker import check_files
from casebook.training.format import CERTAINTY
from casebook.training.play import Play
from casebook.training.readability import grade, words_in

SCENARIOS, ISSUES = check_files([SHIPPED])
IDS = [s.id for s in SCENARIOS]
# Reading age is roughly the Flesch-Kincaid grade plus 5. We aim at a reading age
# of 9-11 (grade 4-6) on average. A single text may reach grade 8: names of
# services ("Universal Credit", "identity") add syllables no plain rewording removes.
MAX_GRADE_ONE_TEXT = 8.0
MAX_GRADE_AVERAGE = 6.5
MIN_WORDS_TO_MEASURE = 12  # grades of shorter texts swing too much to mean anything
# Names that were right once and are wrong now: (old name, its replacement). A
# sentence may still name the old one if it names the new one too ("Report
# Fraud, which replaced Action Fraud").
OUTDATED = [("Action Fraud", "Report Fraud")]


def test_every_shipped_scenario_passes_the_checker():
    assert [str(issue) for issue in ISSUES] == []


def test_there_are_enough_scenarios_on_each_topic():
    topics = [s.topic for s in SCENARIOS]
    assert len(SCENARIOS) >= 10
    assert topics.count("Open Wi-Fi safety") >= 3
    assert topics.count("Common enquiries") >= 5
    assert topics.count("Success stories") >= 2
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_size_branching_and_endings(scenario):
    assert 4 <= len(scenario.nodes) <= 12
    outcomes = {n.ending.outcome for n in scenario.nodes.values() if n.ending}
    assert "good" in outcomes and outcomes & {"mixed", "poor"}
    assert any(len({c.next for c in n.choices}) > 1 for n in scenario.nodes.values()), \
        "choices must have real consequences: some node must branch"
    assert all(s.url.startswith("https://") and s.title for s in scenario.sources)


def _every_path(scenario):
    """Play every choice (and certainty) from the start with the engine itself."""
    finished = []
    todo = [Play(scenario)]
    while todo:
        play = todo.pop()
        if play.finished:
            finished.append(play)
            continue
        offered = play.offered()
        assert offered, f"{scenario.id}: stuck at {play.node_id} with score {play.score}"
        certainties = list(CERTAINTY) if play.node.certainty else [None]
        for index, _ in offered:
            for certainty in certainties:
                branch = Play.replay(scenario, play.steps)
                branch.choose(index, certainty)
                assert len(branch.steps) <= 50, f"{scenario.id}: a path never ends"
                todo.append(branch)
    return finished


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_path_ends_and_the_best_one_passes(scenario):
    plays = _every_path(scenario)
    assert plays and all(p.ending is not None for p in plays)
    best = max(plays, key=lambda p: p.score)
    assert best.passed and best.score == best.max_score
    assert any(not p.passed for p in plays), "some path should fall short of the pass mark"


def _texts(scenario):
    for node in scenario.nodes.values():
        yield f"node {node.id}", node.text
        for choice in node.choices:
            yield f"feedback for {choice.label!r}", choice.feedback
        if node.ending:
            yield f"ending {node.id}", node.ending.text


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_plain_english(scenario):
    measured = [(where, grade(text)) for where, text in _texts(scenario)
                if len(words_in(text)) >= MIN_WORDS_TO_MEASURE]
    too_hard = [(where, round(g, 1)) for where, g in measured if g > MAX_GRADE_ONE_TEXT]
    assert too_hard == []
    assert mean(g for _, g in measured) <= MAX_GRADE_AVERAGE


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
