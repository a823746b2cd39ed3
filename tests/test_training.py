"""Playing scenarios and storing attempts, resumable, on both backends."""

from pathlib import Path

import pytest

from casebook import NotFound, ValidationError
from casebook.training.attempts import (
    get_attempt,
    list_attempts,
    resume_session,
    start_session,
    unfinished,
)
from casebook.training.catalogue import load_catalogue
from casebook.training.format import read_scenario
from casebook.training.play import Play

EXAMPLES = Path(__file__).parent / "data" / "scenarios"
EXAMPLE = read_scenario(EXAMPLES / "example.yaml")


def test_the_best_path_passes():
    play = Play(EXAMPLE)
    assert [c.label for _, c in play.offered()][0].startswith("Say it is fine")
    step = play.choose(0, "very sure")
    assert (step.points, step.certainty_marks, step.score_after, play.node_id) == (
        2, 3, 2, "explain")
    assert step.feedback.startswith("Right.")
    assert [i for i, _ in play.offered()] == [0, 1, 2]  # min_score 2 is met
    play.choose(0, "fairly sure")
    assert play.finished and play.ending.outcome == "good"
    assert (play.points, play.max_score, play.certainty_score, play.passed) == (4, 4, 5, True)


def test_a_weak_start_hides_the_choice_that_needs_a_score():
    play = Play(EXAMPLE)
    play.choose(1, "very sure")
    assert (play.points, play.certainty_score) == (0, -6)
    assert [i for i, _ in play.offered()] == [0, 1]
    play.choose(1, "not sure")
    assert (play.ending.outcome, play.passed) == ("mixed", False)


def test_bad_moves_are_refused_and_change_nothing():
    play = Play(EXAMPLE)
    with pytest.raises(ValidationError, match="say how sure you are"):
        play.choose(0)
    with pytest.raises(ValidationError, match="not offered"):
        play.choose(7, "not sure")
    assert (play.node_id, play.points, play.steps) == ("ask", 0, [])
    with pytest.raises(ValidationError, match="not allowed"):
        play.back()


def test_back_undoes_a_choice_where_allowed():
    play = Play(EXAMPLE)
    play.choose(1, "fairly sure")
    assert play.can_go_back()
    play.back()
    assert (play.node_id, play.points, play.certainty_score) == ("ask", 0, 0)
    play.choose(0, "not sure")
    assert (play.node_id, play.points, len(play.steps)) == ("explain", 2, 3)


def test_attempts_are_recorded_step_by_step(casebook):
    session = start_session(casebook, EXAMPLE, learner=" Sam Jones ",
                            library_service="Leeds Libraries")
    started = get_attempt(casebook, session.attempt_id)
    assert (started.learner, started.finished, started.score, started.max_score) == (
        "Sam Jones", False, 0, 4)
    session.choose(0, "fairly sure")
    session.choose(0, "very sure")
    done = get_attempt(casebook, session.attempt_id)
    assert done.finished and done.passed is True and done.outcome == "good"
    assert (done.score, done.certainty_score, done.red_lines) == (4, 5, 0)
    assert (done.scenario_version, done.ending_node) == (3, "good-end")
    assert [(s.node_id, s.choice_index, s.certainty, s.points, s.certainty_marks, s.best)
            for s in done.steps] == [("ask", 0, "fairly sure", 2, 2, True),
                                     ("explain", 0, "very sure", 2, 3, True)]
    assert all(sorted(s.shown_order) == [0, 1, 2] for s in done.steps)
    assert all(s.at.tzinfo is not None for s in done.steps)
    assert [a.id for a in list_attempts(casebook, learner="sam jones")] == [done.id]


def test_an_unfinished_attempt_resumes_where_it_stopped(casebook):
    catalogue = load_catalogue([EXAMPLES])
    scenario = catalogue.get("test-example")
    session = start_session(casebook, scenario, learner="Ann")
    session.choose(0, "not sure")
    waiting = unfinished(casebook, "Ann", scenario)
    assert waiting is not None and waiting.id == session.attempt_id
    resumed = resume_session(casebook, waiting.id, catalogue)
    assert (resumed.play.node_id, resumed.play.points) == ("explain", 2)
    assert resumed.play.order() == session.play.order()  # the same order, resumed
    resumed.choose(0, "not sure")
    assert get_attempt(casebook, waiting.id).passed is True
    assert unfinished(casebook, "Ann", scenario) is None
    with pytest.raises(ValidationError, match="finished"):
        resume_session(casebook, waiting.id, catalogue)


def test_a_learner_name_is_required(casebook):
    with pytest.raises(ValidationError, match="type your name"):
        start_session(casebook, EXAMPLE, learner="  ")
    assert list_attempts(casebook) == []


def test_unknown_attempt_and_scenario(casebook):
    with pytest.raises(NotFound):
        get_attempt(casebook, "nope")
    with pytest.raises(NotFound, match="no scenario has id"):
        load_catalogue([EXAMPLES]).get("missing")


def test_an_added_folder_overrides_a_shipped_scenario(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEBOOK_SCENARIOS", str(EXAMPLES))
    catalogue = load_catalogue()
    assert catalogue.get("test-example").path.endswith("example.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\n")
    catalogue = load_catalogue([tmp_path])
    assert "broken" not in [s.id for s in catalogue.scenarios]
    assert any(str(broken) == i.path for i in catalogue.issues)
