"""The training app in a real Voilà server and a real Chromium, keyboard only:
play a Wi-Fi scenario to its end, then find the attempt in the database; and cross a
red line, see it explained, and reach a debrief that says the attempt did not pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook import open_casebook
from casebook.training.attempts import get_attempt, list_attempts
from casebook.training.catalogue import load_catalogue

from servers import (
    VoilaServer,
    accessibility_violations,
    answer_certainty,
    play_to_the_end,
    tab_to,
    wait_for_new_focus,
)

SCENARIO = "wifi-banking"
LEARNER = "Keyboard Kim"
EXAMPLES = Path(__file__).parent / "data" / "scenarios"  # test-example has a red line


@pytest.fixture(scope="module")
def training(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training")
    url = f"sqlite:///{folder / 'casebook.db'}"
    open_casebook(url).close()
    server = VoilaServer("training.ipynb", env={"CASEBOOK_DB": url,
                                                "CASEBOOK_SCENARIOS": str(EXAMPLES)},
                         log=folder / "voila.log")
    try:
        server.wait()
        yield server, url
    finally:
        server.stop()


# ipywidgets writes option labels with no-break spaces.
SHOWN = ("el => el.selectedIndex < 0 ? '' : "
         "el.options[el.selectedIndex].text.replace(/\\u00a0/g, ' ')")
OPTIONS = "el => [...el.options].map(o => o.text.replace(/\\u00a0/g, ' '))"


def wait_for_option(page, label: str, wanted: str) -> None:
    """Wait until the kernel has given the list labelled ``label`` the option ``wanted``."""
    picker = page.get_by_label(label, exact=True)
    page.wait_for_function(f"([el, wanted]) => ({OPTIONS})(el).includes(wanted)",
                           arg=[picker.element_handle(), wanted], timeout=30_000)


def choose(page, label: str, wanted: str) -> None:
    """Pick ``wanted`` in the list labelled ``label`` with the keyboard alone."""
    wait_for_option(page, label, wanted)
    picker = page.get_by_label(label, exact=True)
    tab_to(page, picker)
    options = picker.evaluate(OPTIONS)
    for _ in options:
        shown = picker.evaluate(SHOWN)
        if shown == wanted:
            return
        later = shown not in options or options.index(wanted) > options.index(shown)
        page.keyboard.press("ArrowDown" if later else "ArrowUp")
    assert picker.evaluate(SHOWN) == wanted


def test_play_a_wifi_scenario_with_the_keyboard_only(training, offline_page):
    server, url = training
    page = offline_page
    scenario = load_catalogue([EXAMPLES]).get(SCENARIO)
    page.goto(server.url, wait_until="domcontentloaded")
    name = page.get_by_label("Your name or staff ID")
    name.wait_for(timeout=60_000)
    assert accessibility_violations(page) == []
    tab_to(page, name)
    page.keyboard.type(LEARNER)
    # Scenarios are grouped by topic: the scenario list follows the topic chosen.
    by_topic = load_catalogue([EXAMPLES]).by_topic()
    stories = by_topic["Success stories"]
    choose(page, "Topic", f"Success stories ({len(stories)} scenarios)")
    wait_for_option(page, "Scenario", f"{stories[0].title} ({stories[0].minutes} min)")
    assert len(page.get_by_label("Scenario", exact=True).evaluate(OPTIONS)) == len(stories)
    wifi = by_topic[scenario.topic]
    choose(page, "Topic", f"{scenario.topic} ({len(wifi)} scenarios)")
    choose(page, "Scenario", f"{scenario.title} ({scenario.minutes} min)")
    tab_to(page, page.get_by_role("button", name="Start scenario"))
    page.keyboard.press("Enter")

    play_to_the_end(page, scenario)
    page.locator(".cb-ending").wait_for(timeout=30_000)
    # Focus is on the result's heading, so the result is heard first.
    assert page.get_by_role("heading", name="Your result").evaluate(
        "el => el === document.activeElement")
    assert accessibility_violations(page) == []

    (attempt,) = list_attempts(open_casebook(url), learner=LEARNER)
    attempt = get_attempt(open_casebook(url), attempt.id)
    assert attempt.finished and attempt.scenario_id == SCENARIO
    assert len(attempt.steps) >= 3 and attempt.passed
    certificate = page.get_by_role("link", name="Download your certificate for "
                                                f"{scenario.title}")
    assert certificate.get_attribute("download").startswith(f"certificate-{SCENARIO}-")
    # Works in a library with no internet: nothing was even asked of the outside world.
    assert page.external_requests == []


def focused(page, locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def test_a_red_line_is_explained_and_the_debrief_says_not_passed(training, offline_page):
    server, url = training
    page = offline_page
    example = load_catalogue([EXAMPLES]).get("test-example")
    page.goto(server.url, wait_until="domcontentloaded")
    name = page.get_by_label("Your name or staff ID")
    name.wait_for(timeout=60_000)
    tab_to(page, name)
    page.keyboard.type("Red Line Rae")
    wifi = load_catalogue([EXAMPLES]).by_topic()[example.topic]
    choose(page, "Topic", f"{example.topic} ({len(wifi)} scenarios)")
    choose(page, "Scenario", f"{example.title} ({example.minutes} min)")
    # The start screen: how passing works, and the certainty marks, before deciding.
    page.get_by_text("To pass, score at least 3 of the 4 points").wait_for(timeout=30_000)
    marks = page.get_by_role("table", name="Marks for how sure you are")
    assert marks.get_by_role("row").count() == 4
    assert page.get_by_text("Being honest about doubt is never punished").is_visible()
    tab_to(page, page.get_by_role("button", name="Start scenario"))
    page.keyboard.press("Enter")

    # Decision 1: focus is on the certainty question; then cross the red line.
    not_sure = page.get_by_role("radio", name="not sure", exact=True)
    not_sure.wait_for(timeout=30_000)
    page.wait_for_function("() => document.activeElement && document.activeElement"
                           ".matches('.cb-certainty input[type=radio]')", timeout=10_000)
    answer_certainty(page, "very sure")
    red = "Offer to sign in to Sam's bank and check it for Sam"
    tab_to(page, page.get_by_role("button", name=red, exact=True))
    page.keyboard.press("Enter")
    feedback = page.locator(".cb-verdict-red_line")
    feedback.wait_for(timeout=30_000)
    assert feedback.get_by_role("heading", name="Red line crossed").is_visible()
    assert ("Staff never sign in to a customer's bank or handle their passcodes."
            in feedback.inner_text())
    assert "This attempt cannot pass now" in feedback.inner_text()
    wait_for_new_focus(page, red)
    assert focused(page, page.get_by_role("radio", name="not sure", exact=True))
    assert accessibility_violations(page) == []

    # Decision 2: the story goes on.
    answer_certainty(page, "not sure")
    best = "Use the bank's own app"
    tab_to(page, page.get_by_role("button", name=best, exact=True))
    page.keyboard.press("Enter")
    result = page.get_by_role("heading", name="Your result")
    result.wait_for(timeout=30_000)
    page.wait_for_function("() => document.activeElement && document.activeElement"
                           ".matches('.cb-result-heading')", timeout=10_000)
    assert page.locator(".cb-result").inner_text().count(
        "Not passed: a red line was crossed (2 of 4 points).") == 1
    debrief = page.locator(".cb-debrief")
    assert debrief.locator(".cb-decision").count() == 2
    assert debrief.get_by_role("heading", name="Red line crossed").count() == 1
    assert "The best choice: Say it is fine for most things" in debrief.inner_text()
    links = debrief.get_by_role("link", name="Using public Wi-Fi (an example source) — NCSC")
    assert links.count() == 2
    assert links.first.get_attribute("href") == "https://www.ncsc.gov.uk/collection/top-tips-for-staying-secure-online"
    assert "When you were very sure, you were right 0 times out of 1." in (
        page.locator(".cb-certainty-result").inner_text())
    assert accessibility_violations(page) == []
    tab_to(page, page.get_by_role("button", name="Play again"))  # reachable by keyboard

    (attempt,) = list_attempts(open_casebook(url), learner="Red Line Rae")
    attempt = get_attempt(open_casebook(url), attempt.id)
    assert attempt.finished and attempt.passed is False
    assert [s.red_line is not None for s in attempt.steps] == [True, False]
    assert page.external_requests == []
