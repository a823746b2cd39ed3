"""The training app in a real Voilà server and a real Chromium, keyboard only:
play a Wi-Fi scenario to its end, then find the attempt in the database."""

from __future__ import annotations

import pytest

from casebook import open_casebook
from casebook.training.attempts import get_attempt, list_attempts
from casebook.training.catalogue import load_catalogue

from servers import VoilaServer, accessibility_violations, play_to_the_end, tab_to

SCENARIO = "wifi-banking"
LEARNER = "Keyboard Kim"


@pytest.fixture(scope="module")
def training(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training")
    url = f"sqlite:///{folder / 'casebook.db'}"
    open_casebook(url).close()
    server = VoilaServer("training.ipynb", env={"CASEBOOK_DB": url},
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
    scenario = load_catalogue().get(SCENARIO)
    page.goto(server.url, wait_until="domcontentloaded")
    name = page.get_by_label("Your name or staff ID")
    name.wait_for(timeout=60_000)
    assert accessibility_violations(page) == []
    tab_to(page, name)
    page.keyboard.type(LEARNER)
    # Scenarios are grouped by topic: the scenario list follows the topic chosen.
    by_topic = load_catalogue().by_topic()
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
    assert page.get_by_role("button", name="Play again").evaluate(
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
