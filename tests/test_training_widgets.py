"""The training widgets, driven in-process: set values, click, check state and the database."""

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from casebook import open_casebook
from casebook.training import catalogue as catalogue_module
from casebook.training.attempts import get_attempt, list_attempts
from casebook.training.catalogue import load_catalogue
from widgets.scenario_player import ScenarioPlayer
from widgets.training_app import TrainingApp

EXAMPLES = Path(__file__).parent / "data" / "scenarios"
SOURCE = "https://www.ncsc.gov.uk/collection/top-tips-for-staying-secure-online"  # the example's


@pytest.fixture(autouse=True)
def examples_only(monkeypatch):
    """Load the test scenarios in place of the shipped ones (tested on their own in
    test_scenario_content), so these tests follow neither their number nor their state."""
    monkeypatch.setattr(catalogue_module, "SHIPPED", EXAMPLES)
    monkeypatch.delenv(catalogue_module.ENVIRONMENT, raising=False)


@pytest.fixture
def app(casebook):
    return TrainingApp(casebook=casebook, catalogue=load_catalogue())


def labels(player: ScenarioPlayer) -> list[str]:
    return [b.description for b in player.choice_buttons]


def take(player: ScenarioPlayer, label: str, certainty: str = "very sure") -> None:
    """Say how sure, then click the choice whose label starts with ``label`` (each
    attempt shows the choices in its own order)."""
    player.certainty.value = certainty
    (button,) = [b for b in player.choice_buttons if b.description.startswith(label)]
    button.click()


def pick(app: TrainingApp, scenario_id: str) -> None:
    """Choose a scenario as a learner does: its topic, then the scenario."""
    scenario = app.catalogue.get(scenario_id)
    app.picker.topic.value = scenario.topic
    app.picker.scenario.value = scenario_id


def test_a_name_is_needed_before_starting(app, casebook):
    pick(app, "test-example")
    app.start_button.click()
    assert "type your name" in app.messages.value and 'role="alert"' in app.messages.value
    assert app.state.session is None and app.player.children == ()
    assert list_attempts(casebook) == []


def test_playing_to_the_end_with_feedback_score_and_certificate(app, casebook):
    app.learner.value = "Sam"
    pick(app, "test-example")
    assert app.state.learner == "Sam" and app.state.scenario.id == "test-example"
    details = app.picker.details.value
    assert "About 5 minutes" in details and "Explain when public" in details
    assert "Facts checked against these pages in November 2026." in details
    assert "Where this applies" not in details  # the example says nothing of nations
    app.start_button.click()
    player = app.player
    assert player.session is app.state.session
    assert "Is the library Wi-Fi safe?" in player.title.value
    assert sorted(labels(player)) == ["Offer to sign in to Sam's bank and check it for Sam",
                                      "Say it is fine for most things, and explain why",
                                      "Tell Sam never to use it"]
    assert player.certainty in player.children
    player.choice_buttons[0].click()  # no certainty given yet: refused, nothing saved
    assert "say how sure you are" in player.messages.value
    assert get_attempt(casebook, player.session.attempt_id).steps == ()
    take(player, "Say it is fine")
    assert "Right. Banking apps encrypt" in player.feedback.value
    assert "Points for this choice: +2" in player.feedback.value
    assert "points so far 2" in player.progress.value
    assert "An extra tip, shown with a score of 2 or more" in labels(player)
    assert player.certainty.value is None  # asked again at every decision
    take(player, "Use the bank's own app")
    assert "A good outcome" in player.text.value
    assert "Pass: 4 of 4 points, and no red line crossed." in player.result.value
    assert player.restart_button in player.children
    attempt = get_attempt(casebook, player.session.attempt_id)
    assert (attempt.learner, attempt.score, attempt.passed) == ("Sam", 4, True)
    assert "Download your certificate" in app.certificate.value
    assert 'download="certificate-test-example-' in app.certificate.value
    assert "Passed" in app.history.value and "4 / 4" in app.history.value


def test_failing_gives_no_certificate_and_play_again_starts_a_new_attempt(app, casebook):
    app.learner.value = "Ann"
    app.start_button.click()
    player = app.player
    take(player, "Tell Sam never")
    assert "An extra tip" not in str(labels(player))  # it needs a score of 2
    take(player, "A weaker answer")
    assert "A mixed outcome" in player.text.value
    assert "Not passed: 0 of 4 points; 3 are needed to pass." in player.result.value
    assert app.certificate.value == ""
    first = player.session.attempt_id
    player.restart_button.click()
    assert player.session.attempt_id != first and player.play.node_id == "ask"
    assert app.state.session is player.session
    assert len(list_attempts(casebook, learner="Ann")) == 2


def test_a_red_line_is_named_and_fails_the_attempt(app, casebook):
    app.learner.value = "Red"
    app.start_button.click()
    player = app.player
    take(player, "Offer to sign in")
    assert "The line you crossed:</strong> Staff never sign in" in player.feedback.value
    take(player, "Use the bank's own app")
    assert "A poor outcome" in player.text.value
    assert "Not passed: a red line was crossed (2 of 4 points)." in player.result.value
    assert app.certificate.value == ""
    assert get_attempt(casebook, player.session.attempt_id).passed is False


def test_going_back_and_resuming(app, casebook):
    app.learner.value = "Bo"
    app.start_button.click()
    player = app.player
    take(player, "Tell Sam never", "not sure")
    assert player.back_button in player.children
    player.back_button.click()
    assert player.play.node_id == "ask" and player.play.points == 0
    take(player, "Say it is fine", "not sure")
    # The page is closed here; a new app finds the unfinished attempt and carries on.
    fresh = TrainingApp(casebook=casebook, catalogue=load_catalogue())
    pick(fresh, "test-example")
    fresh.learner.value = "Bo"
    assert fresh.resume_button.layout.display is None
    fresh.resume_button.click()
    assert fresh.player.play.node_id == "explain" and fresh.player.play.points == 2
    assert fresh.player.session.attempt_id == player.session.attempt_id
    assert labels(fresh.player) == labels(player)  # the attempt's own order, kept


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


FAIL_STEPS = ("CREATE TRIGGER fail_steps BEFORE INSERT ON attempt_steps "
              "BEGIN SELECT RAISE(ABORT, 'disk is full'); END;")


def step_rows(cb) -> list[tuple]:
    with cb.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT number, node_id, choice_index, certainty FROM attempt_steps"))]


def test_a_choice_that_was_not_saved_leaves_the_screen_where_it_was(sqlite_url):
    cb = open_casebook(sqlite_url)
    app = TrainingApp(casebook=cb, catalogue=load_catalogue())
    pick(app, "test-example")
    app.learner.value = "Di"
    app.start_button.click()
    player = app.player
    shown = (player.title.value, player.progress.value, player.text.value, labels(player))
    with cb.engine.begin() as conn:  # a real failing write, inside the database itself
        conn.exec_driver_sql(FAIL_STEPS)

    take(player, "Say it is fine")
    assert player.play.node_id == "ask" and player.play.steps == []
    assert (player.title.value, player.progress.value, player.text.value,
            labels(player)) == shown
    assert player.certainty.value == "very sure" and player.certainty in player.children
    assert "not saved" in player.messages.value and "try again" in player.messages.value
    assert 'role="alert"' in player.messages.value
    assert player.feedback.value == ""  # no feedback for a choice that was not recorded
    assert "disk is full" not in player.messages.value
    assert step_rows(cb) == []

    with cb.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER fail_steps")
    (button,) = [b for b in player.choice_buttons if b.description.startswith("Say it")]
    button.click()  # the same button, tried again, the certainty still marked
    assert step_rows(cb) == [(1, "ask", 0, "very sure")]
    assert player.play.node_id == "explain" and player.messages.value == ""
    assert "Right. Banking apps encrypt" in player.feedback.value
    (step,) = get_attempt(cb, player.session.attempt_id).steps
    assert (step.node_id, step.choice_index, step.points) == ("ask", 0, 2)
    cb.close()


def test_scenarios_are_grouped_by_topic(casebook, tmp_path):
    example = (EXAMPLES / "example.yaml").read_text(encoding="utf-8")
    for number in (1, 2):  # two more scenarios, in another topic
        (tmp_path / f"story-{number}.yaml").write_text(
            example.replace("id: test-example", f"id: story-{number}")
            .replace("topic: Open Wi-Fi safety", "topic: Success stories")
            .replace("title: Is the library Wi-Fi safe?", f"title: Story {number}"),
            encoding="utf-8")
    app = TrainingApp(casebook=casebook, catalogue=load_catalogue([tmp_path]))
    by_topic = app.catalogue.by_topic()
    assert [s.id for s in by_topic["Success stories"]] == ["story-1", "story-2"]
    picker = app.picker
    assert picker.topic.description == "Topic" and picker.scenario.description == "Scenario"
    assert [value for _, value in picker.topic.options] == list(by_topic)
    assert ("Success stories (2 scenarios)", "Success stories") in picker.topic.options
    first = next(iter(by_topic))
    assert [v for _, v in picker.scenario.options] == [s.id for s in by_topic[first]]
    assert picker.scenario.options[0][0] == "Is the library Wi-Fi safe? (5 min)"
    app.learner.value = "Ed"
    picker.topic.value = "Success stories"
    assert [v for _, v in picker.scenario.options] == ["story-1", "story-2"]
    assert app.state.scenario.id == "story-1" == picker.scenario.value
    picker.scenario.value = "story-2"
    assert app.state.scenario.id == "story-2"
    app.start_button.click()
    assert app.state.session.play.scenario.id == "story-2"
    assert "Story 2" in app.player.title.value


BROKEN = """id: broken-one
title: A story
topic: Gardening <script>alert(1)</script>
summary: x
"""


def test_files_left_out_are_named_for_trainers(casebook, tmp_path):
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "bad<b>.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    catalogue = load_catalogue([tmp_path])
    assert {Path(i.path).name for i in catalogue.issues} == {"broken.yaml", "bad<b>.yaml"}
    app = TrainingApp(casebook=casebook, catalogue=catalogue)
    (notes,) = [c for c in app.children if "For trainers" in getattr(c, "value", "")]
    assert notes is app.children[-1]  # at the foot of the app
    shown = notes.value
    assert shown.startswith('<details class="cb-trainers"><summary>For trainers: 2 scenario '
                            "files were left out</summary>")
    assert "<details open" not in shown  # closed: learners need not open it
    for issue in catalogue.issues:
        assert f"<li>line {issue.line}: " in shown
    assert "<strong>broken.yaml</strong>" in shown and "bad&lt;b&gt;.yaml" in shown
    assert "Gardening &lt;script&gt;" in shown and "<script" not in shown
    assert "<b>" not in shown
    # the learner's list is untouched: only the good scenarios are offered
    assert "broken-one" not in str(app.picker.scenario.options)


def test_no_disclosure_when_every_file_was_taken(app):
    assert not any("For trainers" in getattr(c, "value", "") for c in app.children)


def test_a_step_back_that_was_not_saved_stays_put(sqlite_url):
    cb = open_casebook(sqlite_url)
    app = TrainingApp(casebook=cb, catalogue=load_catalogue())
    app.learner.value = "Flo"
    app.start_button.click()
    player = app.player
    take(player, "Tell Sam never", "not sure")
    with cb.engine.begin() as conn:
        conn.exec_driver_sql(FAIL_STEPS)
    player.back_button.click()
    assert player.play.node_id == "explain" and "not saved" in player.messages.value
    assert "Not quite" in player.feedback.value  # the last saved choice's feedback stays
    assert [row[0] for row in step_rows(cb)] == [1]
    cb.close()


def test_the_start_screen_says_how_passing_works_and_how_certainty_is_marked(app):
    pick(app, "test-example")
    details = app.picker.details.value
    assert ("To pass, score at least 3 of the 4 points and cross no red line." in details)
    assert "<caption>Marks for how sure you are</caption>" in details
    assert "Being honest about doubt is never punished" in details
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>',
                      details)
    assert rows == [("not sure", "gain 1 mark", "no marks lost"),
                    ("fairly sure", "gain 2 marks", "lose 2 marks"),
                    ("very sure", "gain 3 marks", "lose 6 marks")]
    assert f'<a href="{SOURCE}"' in details


def test_no_marks_table_where_certainty_is_not_asked(casebook, tmp_path):
    example = (EXAMPLES / "example.yaml").read_text(encoding="utf-8")
    (tmp_path / "plain.yaml").write_text(example.replace("certainty: true\n", "")
                                         .replace("id: test-example", "id: plain"),
                                         encoding="utf-8")
    app = TrainingApp(casebook=casebook, catalogue=load_catalogue([tmp_path]))
    app.picker.scenario.value = "plain"
    assert "To pass, score at least 3" in app.picker.details.value
    assert "Marks for how sure" not in app.picker.details.value
    app.learner.value = "Nia"
    app.start_button.click()
    assert app.player.certainty not in app.player.children
    assert app.player.focus_mover.target == ""  # focus went to the first choice instead


def test_focus_goes_to_the_certainty_question_at_every_decision(app):
    app.learner.value = "Foc"
    app.start_button.click()
    player = app.player
    assert player.focus_mover.target == ".cb-certainty input[type=radio]"
    assert "How sure are you?" == player.certainty.description  # its visible label
    first = player.focus_mover.value
    take(player, "Tell Sam never")
    assert player.focus_mover.value != first  # moved again, for the new decision
    assert player.focus_mover.target == ".cb-certainty input[type=radio]"
    children = list(player.children)
    assert children.index(player.certainty) < children.index(player.choices)
    take(player, "A weaker answer")
    assert player.focus_mover.target == ".cb-result-heading"
    assert 'tabindex="-1" class="cb-result-heading"' in player.result.value
    assert player.restart_button in player.children


def feedback_heading(player) -> str:
    return re.search(r"<h3 class=\"cb-verdict-heading\">(.*?)</h3>",
                     player.feedback.value).group(1)


@pytest.mark.parametrize(("first", "second", "words"), [
    ("Say it is fine", "An extra tip", ("best", "Best choice", "partly", "Partly right")),
    ("Tell Sam never", "A weaker answer", ("wrong", "Not the best choice", None, None)),
])
def test_the_feedback_heading_differs_per_verdict(app, first, second, words):
    app.learner.value = "Vee"
    app.start_button.click()
    player = app.player
    take(player, first)
    kind, word, later_kind, later_word = words
    assert f"cb-verdict-{kind}" in player.feedback.value
    heading = feedback_heading(player)
    assert heading.endswith(word) and 'aria-hidden="true"' in heading  # icon and word
    if later_kind:
        take(player, second)
        assert f"cb-verdict-{later_kind}" in player.feedback.value
        assert feedback_heading(player).endswith(later_word)


def test_a_red_line_is_said_at_once_and_the_story_goes_on(app):
    app.learner.value = "Rae"
    app.start_button.click()
    player = app.player
    take(player, "Offer to sign in")
    feedback = player.feedback.value
    assert "cb-verdict-red_line" in feedback and feedback_heading(player).endswith(
        "Red line crossed")
    assert ("The line you crossed:</strong> Staff never sign in to a customer&#x27;s bank "
            "or handle their passcodes.") in feedback
    assert "This attempt cannot pass now" in feedback and "The story goes on" in feedback
    assert player.choice_buttons  # the story goes on
    assert "Best choice" not in feedback and "Not the best choice" not in feedback


def test_the_debrief_lists_every_decision_with_the_best_choice_and_guidance(app):
    app.learner.value = "Deb"
    app.start_button.click()
    player = app.player
    take(player, "Offer to sign in", "very sure")
    take(player, "Use the bank's own app", "not sure")
    assert player.result.value.index("Your result") < player.result.value.index(
        "Not passed: a red line was crossed (2 of 4 points).")
    children = list(player.children)
    assert children.index(player.result) < children.index(player.debrief)
    debrief = player.debrief.value
    # certainty, apart from the pass decision
    assert "<h3>How sure you were</h3>" in debrief and "Your certainty marks: " in debrief
    assert "<strong>-5</strong>" in debrief  # very sure and wrong -6, not sure and right +1
    assert "When you were not sure, you were right 1 time out of 1." in debrief
    assert "When you were very sure, you were right 0 times out of 1." in debrief
    assert "certainty" not in player.result.value
    decisions = re.findall(r'<li class="cb-decision">(.*?)</li>(?=<li class="cb-decision">|'
                           r"</ol>)", debrief, re.S)
    assert len(decisions) == 2
    first, second = decisions
    assert "Sam asks if the free Wi-Fi is safe for banking." in first
    assert "cb-verdict-red_line" in first and "Red line crossed" in first
    assert "You chose:</strong> Offer to sign in to Sam&#x27;s bank" in first
    assert ("The best choice:</strong> Say it is fine for most things, and explain why"
            in first)
    assert "Why:</strong> Right. Banking apps encrypt what they send." in first
    assert "The line crossed:</strong> Staff never sign in" in first
    assert "cb-verdict-best" in second and "This was the best choice." in second
    for decision in decisions:
        assert (f'<a href="{SOURCE}" target="_blank" rel="noopener">Using public Wi-Fi '
                "(an example source) — NCSC") in decision


def test_scenario_text_in_the_debrief_is_escaped(casebook, tmp_path):
    example = (EXAMPLES / "example.yaml").read_text(encoding="utf-8")
    hostile = (example.replace("id: test-example", "id: hostile")
               .replace("title: Using public Wi-Fi (an example source) — NCSC",
                        "title: Guide <script>x</script>")
               .replace("url: https://www.ncsc.gov.uk/collection/top-tips-for-staying-secure-"
                        "online", """url: 'https://www.ncsc.gov.uk/?a=1&b="x"'""")
               .replace("Tell Sam never to use it", "Tell Sam <b>never</b>"))
    (tmp_path / "hostile.yaml").write_text(hostile, encoding="utf-8")
    app = TrainingApp(casebook=casebook, catalogue=load_catalogue([tmp_path]))
    app.picker.scenario.value = "hostile"
    app.learner.value = "Esc"
    app.start_button.click()
    take(app.player, "Tell Sam")
    take(app.player, "A weaker answer")
    shown = app.player.debrief.value + app.picker.details.value
    assert "<script" not in shown and "<b>never" not in shown
    assert "Tell Sam &lt;b&gt;never&lt;/b&gt;" in shown and "Guide &lt;script&gt;" in shown
    assert 'href="https://www.ncsc.gov.uk/?a=1&amp;b=&quot;x&quot;"' in shown


GLOSSARY_SCENARIO = {
    "text: Sam asks if the free Wi-Fi is safe for banking.":
        "text: Sam asks if the free Wi-Fi is safe for banking with a one-time code.",
    "text: Sam asks what to look out for.":
        "text: Sam asks about the one-time code again, and about phishing.",
}


def test_a_glossary_term_is_explained_once_where_it_first_appears(casebook, tmp_path):
    example = (EXAMPLES / "example.yaml").read_text(encoding="utf-8")
    for old, new in GLOSSARY_SCENARIO.items():
        example = example.replace(old, new)
    (tmp_path / "words.yaml").write_text(example.replace("id: test-example", "id: words"),
                                         encoding="utf-8")
    app = TrainingApp(casebook=casebook, catalogue=load_catalogue([tmp_path]))
    app.picker.scenario.value = "words"
    app.learner.value = "Gus"
    app.start_button.click()
    player = app.player
    first = player.glossary.value
    assert "<details><summary>What is a one-time code?</summary><p>A short code" in first
    assert "phishing" not in first
    children = list(player.children)
    assert children.index(player.text) + 1 == children.index(player.glossary)
    take(player, "Say it is fine")
    second = player.glossary.value
    assert second.count("<details>") == 1 and "one-time code" not in second
    assert "<summary>What is phishing?</summary>" in second
    player.back_button.click()  # back at the first node: its words are explained again
    assert "What is a one-time code?" in player.glossary.value


def test_where_a_scenario_applies_is_said_before_it_starts():
    from dataclasses import replace

    from casebook.training.format import read_scenario
    from widgets.scenario_picker import describe
    example = read_scenario(EXAMPLES / "example.yaml")
    noted = replace(example, nations="England only; Wales & Scotland have their own.")
    details = describe(noted)
    assert ('<p class="cb-nations"><strong>Where this applies:</strong> England only; '
            "Wales &amp; Scotland have their own.</p>") in details
    assert "Where this applies" not in describe(example)
