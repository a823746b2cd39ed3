"""Training that teaches the right lesson: red lines, LAPT certainty marks kept apart from
the pass decision, shuffled choices, the debrief, the glossary and the checker's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from casebook.store import migrate_to, open_casebook
from casebook.store.schema import attempts
from casebook.training.attempts import get_attempt, list_attempts, start_session
from casebook.training.checker import check
from casebook.training.debrief import (
    BEST,
    PARTLY,
    RED_LINE,
    WRONG,
    calibration,
    debrief,
    marks_table,
    result_sentence,
)
from casebook.training.format import read_scenario
from casebook.training.glossary import load_glossary, terms_in, terms_used
from casebook.training.paths import all_paths
from casebook.training.play import Play

from conftest import run_cli

EXAMPLE_FILE = Path(__file__).parent / "data" / "scenarios" / "example.yaml"
EXAMPLE = read_scenario(EXAMPLE_FILE)

# A red line whose path still reaches the pass mark on points.
LINE_BUT_POINTS = """
id: line-but-points
title: A code read out
topic: Common enquiries
summary: A customer reads out a code.
minutes: 3
objectives: [Never handle a customer's one-time code]
skills: [Being safe and legal online]
sources: [{title: An example source, url: "https://www.ncsc.gov.uk/"}]
version: 1
reviewed: 2026-11
pass_mark: 2
certainty: true
nodes:
  - id: code
    text: Pat starts to read out a one-time code for you to type.
    choices:
      - label: Stop Pat and let Pat type it
        next: next
        score: 2
        feedback: Right. Only Pat should see or type the code.
      - label: Type the code for Pat, to save a little time
        next: next
        score: 0
        red_line: Staff never know or type a customer's one-time code.
        feedback: No. The code is Pat's alone.
  - id: next
    text: Pat asks what to do next.
    choices:
      - label: Explain the next screen
        next: done
        score: 2
        feedback: Good.
      - label: Hurry Pat along to the next screen
        next: done
        score: 1
        feedback: Partly. Pat would like more time.
  - id: done
    after_red_line: risked
    ending: {title: Pat is signed in, text: Pat signed in alone., outcome: good}
  - id: risked
    ending: {title: The code was handled by staff, text: Pat's account was put at risk.,
             outcome: poor}
"""


def scenario(text: str, tmp_path, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_scenario(path)


def test_the_lapt_marks_table():
    assert marks_table() == [("not sure", 1, 0), ("fairly sure", 2, -2), ("very sure", 3, -6)]
    for level, right, wrong in marks_table():
        play = Play(EXAMPLE)
        best = play.choose(0, level)
        assert best.certainty_marks == right
        other = Play(EXAMPLE)
        assert other.choose(1, level).certainty_marks == wrong


def test_certainty_is_asked_at_every_decision():
    play = Play(EXAMPLE)
    play.choose(0, "not sure")
    with pytest.raises(Exception, match="say how sure you are"):
        play.choose(0)


@pytest.mark.parametrize("levels", [("not sure", "not sure"), ("very sure", "very sure"),
                                    ("fairly sure", "not sure")])
def test_the_pass_decision_does_not_depend_on_certainty(levels):
    for indexes, passed in (((0, 0), True), ((0, 1), False), ((1, 0), False)):
        play = Play(EXAMPLE)
        for index, level in zip(indexes, levels, strict=True):
            play.choose(index, level)
        assert play.passed is passed, (indexes, levels)


def test_honest_doubt_is_never_punished():
    doubtful, bold = Play(EXAMPLE), Play(EXAMPLE)
    doubtful.choose(1, "not sure")
    bold.choose(1, "very sure")
    assert (doubtful.certainty_score, bold.certainty_score) == (0, -6)
    assert doubtful.points == bold.points == 0


def test_a_red_line_mid_story_fails_whatever_the_points_and_gets_its_own_ending(tmp_path):
    s = scenario(LINE_BUT_POINTS, tmp_path)
    assert check(s) == []
    play = Play(s)
    step = play.choose(1, "very sure")
    assert step.red_line == "Staff never know or type a customer's one-time code."
    play.choose(0, "very sure")
    assert play.points == 2 >= s.pass_mark
    assert play.passed is False and play.node_id == "risked" and play.ending.outcome == "poor"
    assert result_sentence(points=play.points, pass_mark=s.pass_mark, max_points=play.max_score,
                           red_lines=len(play.red_lines)) == (
        "Not passed: a red line was crossed (2 of 4 points).")


def test_the_checker_rejects_unmarked_negatives_and_success_after_a_red_line(tmp_path):
    unmarked = scenario(LINE_BUT_POINTS.replace("        score: 0\n        red_line: Staff "
                                                "never know or type a customer's one-time "
                                                "code.\n", "        score: -1\n"), tmp_path,
                        "unmarked.yaml")
    assert any("below zero, but is not a red line" in i.message for i in check(unmarked))
    no_redirect = scenario(LINE_BUT_POINTS.replace("    after_red_line: risked\n", ""),
                           tmp_path, "no-redirect.yaml")
    messages = [i.message for i in check(no_redirect) if i.severity == "error"]
    assert any("success ending 'done' can be reached after a red line" in m for m in messages)
    points = scenario(LINE_BUT_POINTS.replace("        score: 0\n        red_line:",
                                              "        score: 1\n        red_line:"),
                      tmp_path, "points.yaml")
    assert any("cannot earn points" in i.message for i in check(points))


def test_the_checker_warns_when_the_best_choice_is_always_the_longest(tmp_path):
    s = scenario(LINE_BUT_POINTS.replace("Stop Pat and let Pat type it",
                                         "Stop Pat kindly and let Pat type the code alone")
                 .replace("Explain the next screen", "Explain the next screen slowly, clearly and "
                                                     "calmly"), tmp_path)
    warnings = [i for i in check(s) if i.severity == "warning"]
    assert [w.message.split(":")[0] for w in warnings] == [
        "the best choice is the longest label at 2 of 2 decisions"]
    assert [i for i in check(s) if i.severity == "error"] == []


def test_the_checker_warns_when_the_score_makes_the_last_decision(tmp_path):
    text = LINE_BUT_POINTS.replace("        next: done\n        score: 1\n",
                                   "        next: done\n        score: 1\n        max_score: 1\n")
    text = text.replace("      - label: Explain the next screen\n        next: done\n"
                        "        score: 2\n", "      - label: Explain the next screen\n"
                        "        next: done\n        score: 2\n        min_score: 2\n")
    warnings = [i.message for i in check(scenario(text, tmp_path)) if i.severity == "warning"]
    assert any("made by the score so far, not by the learner" in w for w in warnings)


def test_each_attempt_shows_its_own_order_and_keeps_it(casebook):
    orders = set()
    for n in range(8):
        session = start_session(casebook, EXAMPLE, learner=f"Learner {n}")
        orders.add(tuple(session.play.order()))
    # 8 attempts, 6 possible orders of 3 choices: all 8 alike by chance is 1 in 6**7.
    assert len(orders) > 1
    session = start_session(casebook, EXAMPLE, learner="Ann")
    shown = session.play.order()
    session.choose(shown[-1], "not sure")
    stored = get_attempt(casebook, session.attempt_id).steps[0]
    assert list(stored.shown_order) == shown and stored.choice_index == shown[-1]
    again = Play.replay(EXAMPLE, list(get_attempt(casebook, session.attempt_id).steps),
                        order_seed=session.attempt_id)
    assert again.order() == session.play.order()


def test_the_debrief_shows_each_decision_beside_the_best(tmp_path):
    s = scenario(LINE_BUT_POINTS, tmp_path)
    play = Play(s)
    play.choose(1, "very sure")
    play.choose(1, "not sure")
    first, second = debrief(play)
    assert (first.verdict, first.chosen, first.red_line) == (
        RED_LINE, "Type the code for Pat, to save a little time",
        "Staff never know or type a customer's one-time code.")
    assert [c.label for c in first.best] == ["Stop Pat and let Pat type it"]
    assert first.best[0].feedback.startswith("Right.")
    assert (second.verdict, [c.label for c in second.best]) == (PARTLY, ["Explain the next screen"])
    best = Play(EXAMPLE)
    best.choose(0, "not sure")
    best.choose(1, "not sure")
    assert [i.verdict for i in debrief(best)] == [BEST, WRONG]


def test_calibration_says_how_often_each_certainty_was_right():
    play = Play(EXAMPLE)
    play.choose(0, "very sure")
    play.choose(1, "very sure")
    assert calibration(play) == ["When you were very sure, you were right 1 time out of 2."]
    assert calibration(Play(EXAMPLE)) == []


def test_the_glossary_explains_terms_where_they_appear(tmp_path):
    glossary = load_glossary()
    assert all(t.definition.endswith(".") and len(t.definition) < 260 for t in glossary)
    found = terms_in("Pat reads out a one-time code. Then call 159 and Report Fraud.")
    assert [t.term for t in found] == ["one-time code", "159", "Report Fraud"]
    assert "Action Fraud" not in [t.term for t in found]
    assert [t.term for t in terms_used(scenario(LINE_BUT_POINTS, tmp_path))] == ["one-time code"]


def test_paths_from_the_command_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(LINE_BUT_POINTS, encoding="utf-8")
    result = run_cli("scenarios", "paths", str(path), "--format", "jsonl")
    assert result.returncode == 0
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(found) == 4 == len(all_paths(read_scenario(path)))
    red = [p for p in found if any(s["red_line"] for s in p["steps"])]
    assert len(red) == 2 and not any(p["passed"] for p in red)
    assert {p["ending"] for p in red} == {"risked"}
    assert set(found[0]) == {"scenario", "steps", "ending", "outcome", "points", "passed"}
    assert set(found[0]["steps"][0]) == {"node_id", "choice_index", "label", "red_line"}
    table = run_cli("scenarios", "paths", str(path))
    assert "code:1! > next:0  => risked (poor), 2 points, not passed" in table.stdout


def test_old_attempts_survive_the_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = open_casebook(url, upgrade=False)
    migrate_to(old, "0005")
    # Written as revision 0005's tables were: the columns of today's schema do not exist yet.
    with old.write() as conn:
        conn.execute(text(
            "INSERT INTO attempts (id, learner, scenario_id, scenario_version, scenario_title, "
            "started_at, score, max_score, pass_mark) VALUES ('a1', 'Old Learner', "
            "'wifi-banking', 1, 'Paying a bill', '2026-01-05 10:00:00', 7, 14, 9)"))
        conn.execute(text(
            "INSERT INTO attempt_steps (attempt_id, number, action, node_id, choice_index, "
            "choice_label, certainty, points, score_after, at) VALUES ('a1', 1, 'choose', "
            "'ask', 0, 'Explain his choices', 'very sure', 6, 6, '2026-01-05 10:01:00')"))
    old.close()
    book = open_casebook(url)
    (attempt,) = list_attempts(book)
    assert (attempt.learner, attempt.score, attempt.certainty_score, attempt.red_lines) == (
        "Old Learner", 7, None, 0)
    (step,) = get_attempt(book, "a1").steps
    assert (step.points, step.certainty, step.shown_order, step.red_line, step.best) == (
        6, "very sure", (), None, None)
    with book.read() as conn:
        assert conn.execute(select(attempts.c.learner)).scalar() == "Old Learner"

