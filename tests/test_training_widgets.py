"""The training widgets, driven in-process: set values, click, check state and the database."""

from pathlib import Path

import pytest

from casebook.training.attempts import get_attempt, list_attempts
from casebook.training.catalogue import load_catalogue
from widgets.scenario_player import ScenarioPlayer
from widgets.training_app import TrainingApp

EXAMPLES = Path(__file__).parent / "data" / "scenarios"


@pytest.fixture
def app(casebook):
    return TrainingApp(casebook=casebook, catalogue=load_catalogue([EXAMPLES]))


def labels(player: ScenarioPlayer) -> list[str]:
    return [b.description for b in player.choice_buttons]


def test_a_name_is_needed_before_starting(app, casebook):
    app.scenario.value = "test-example"
    app.start_button.click()
    assert "type your name" in app.messages.value and 'role="alert"' in app.messages.value
    assert app.player is None and list_attempts(casebook) == []


def test_playing_to_the_end_with_feedback_score_and_certificate(app, casebook):
    app.learner.value = "Sam"
    app.scenario.value = "test-example"
    assert "About 5 minutes" in app.details.value and "Explain when public" in app.details.value
    app.start_button.click()
    player = app.player
    assert "Is the library Wi-Fi safe?" in player.title.value
    assert labels(player) == ["Say it is fine for most things, and explain why",
                              "Tell Sam never to use it"]
    assert player.certainty in player.children
    player.choice_buttons[0].click()  # no certainty given yet: refused, nothing saved
    assert "say how sure you are" in player.messages.value
    assert get_attempt(casebook, player.session.attempt_id).steps == ()
    player.certainty.value = "very sure"
    player.choice_buttons[0].click()
    assert "Right. Banking apps encrypt" in player.feedback.value
    assert "Points for this choice: +6" in player.feedback.value
    assert "score so far 6" in player.progress.value
    assert labels(player)[0].startswith("The best answer")
    player.choice_buttons[0].click()
    assert "A good outcome" in player.text.value and "You passed." in player.text.value
    assert player.restart_button in player.children
    attempt = get_attempt(casebook, player.session.attempt_id)
    assert (attempt.learner, attempt.score, attempt.passed) == ("Sam", 8, True)
    assert "Download your certificate" in app.certificate.value
    assert 'download="certificate-test-example-' in app.certificate.value
    assert "Passed" in app.history.value and "8 / 8" in app.history.value


def test_failing_gives_no_certificate_and_play_again_starts_a_new_attempt(app, casebook):
    app.learner.value = "Ann"
    app.start_button.click()
    player = app.player
    player.certainty.value = "very sure"
    player.choice_buttons[1].click()
    assert labels(player) == ["A weaker answer"]  # the best answer needs a score of 2
    player.choice_buttons[0].click()
    assert "A mixed outcome" in player.text.value and "You need 4 to pass" in player.text.value
    assert app.certificate.value == ""
    first = player.session.attempt_id
    player.restart_button.click()
    assert player.session.attempt_id != first and player.play.node_id == "ask"
    assert len(list_attempts(casebook, learner="Ann")) == 2


def test_going_back_and_resuming(app, casebook):
    app.learner.value = "Bo"
    app.start_button.click()
    player = app.player
    player.certainty.value = "not sure"
    player.choice_buttons[1].click()
    assert player.back_button in player.children
    player.back_button.click()
    assert player.play.node_id == "ask" and player.play.score == 0
    player.certainty.value = "not sure"
    player.choice_buttons[0].click()
    # The page is closed here; a new app finds the unfinished attempt and carries on.
    fresh = TrainingApp(casebook=casebook, catalogue=load_catalogue([EXAMPLES]))
    fresh.scenario.value = "test-example"
    fresh.learner.value = "Bo"
    assert fresh.resume_button.layout.display is None
    fresh.resume_button.click()
    assert fresh.player.play.node_id == "explain" and fresh.player.play.score == 2
    assert fresh.player.session.attempt_id == player.session.attempt_id


def test_an_unexpected_error_is_shown_not_swallowed(app, monkeypatch):
    app.learner.value = "Cy"
    app.start_button.click()

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.player.session, "choose", broken)
    app.player.certainty.value = "not sure"
    app.player.choice_buttons[0].click()
    assert "Sorry, something went wrong" in app.player.messages.value
    assert "disk on fire" not in app.player.messages.value
