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
    picker = page.get_by_label("Scenario")
    tab_to(page, picker)
    option = next(f"{s.topic}: {s.title} ({s.minutes} min)"
                  for s in load_catalogue().scenarios if s.id == SCENARIO)
    # ipywidgets writes option labels with no-break spaces.
    shown = "el => el.options[el.selectedIndex].text.replace(/\\u00a0/g, ' ')"
    for _ in range(len(load_catalogue().scenarios)):
        if picker.evaluate(shown) == option:
            break
        page.keyboard.press("ArrowDown")
    assert picker.evaluate(shown) == option
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
