"""The training app in a real Voilà server and a real Chromium, keyboard only:
play a Wi-Fi scenario to its end, then find the attempt in the database."""

from __future__ import annotations

import pytest

from casebook import open_casebook
from casebook.attempts import get_attempt, list_attempts
from casebook.catalogue import load_catalogue
from casebook.scenario import CERTAINTY, points

from servers import VoilaServer, accessibility_violations, tab_to

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


def best_choice(scenario, labels: list[str]):
    """Of the choices on screen, the one worth most (knowing the scenario file)."""
    for node in scenario.nodes.values():
        offered = {c.label: c for c in node.choices}
        if labels and all(label in offered for label in labels):
            best = max((offered[label] for label in labels),
                       key=lambda c: points(c, node, "very sure"))
            return node, best
    raise AssertionError(f"no node offers {labels}")


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

    choices = page.locator(".cb-choice")
    for _ in range(len(scenario.nodes)):
        ending = page.locator(".cb-ending")
        choices.first.or_(ending).first.wait_for(timeout=30_000)
        if ending.count():
            break
        labels = [c.inner_text().strip() for c in choices.all()]
        node, best = best_choice(scenario, labels)
        if node.certainty:
            tab_to(page, page.get_by_role("radio", name="not sure"))
            wanted = "very sure" if best.score > 0 else "not sure"
            for _ in CERTAINTY:
                if page.get_by_role("radio", name=wanted).is_checked():
                    break
                page.keyboard.press("ArrowDown")
        target = page.get_by_role("button", name=best.label, exact=True)
        tab_to(page, target)
        page.keyboard.press("Enter")
        page.locator(".cb-feedback").wait_for(timeout=30_000)
        # Focus moves on to the new content: the next choice, or "Play again" at the end.
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.tagName === 'BUTTON'"
            " && !document.activeElement.textContent.includes(" + repr(best.label) + ")",
            timeout=10_000)
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
