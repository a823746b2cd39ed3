"""A newcomer's first visit, as a new user would make it: `casebook serve` on an empty
casebook, then the landing page, a training scenario, a meet-up takeaway, and the
dashboard counting it. Real Chromium, keyboard only, everything found by role and label."""

from __future__ import annotations

import pytest

from casebook.training.catalogue import load_catalogue

from servers import (
    ServeCommand,
    accessibility_violations,
    create_meetup,
    play_to_the_end,
    tab_to,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("newcomer")
    # One warm kernel per app, as `make app` runs it: a page that takes one makes
    # Voila warm the next at once, so the newcomer types while the machine is busy
    # (where a half-typed value once reached the kernel).
    server = ServeCommand(folder / "casebook.db", "--pool", "1", log=folder / "serve.log")
    server.wait()
    yield server.url
    server.stop()


def follow(page, link_name: str) -> None:
    """Open an app from the landing page, as a newcomer would: no waiting for anything
    but the app's first control to appear (the caller waits for that)."""
    link = page.get_by_role("link", name=link_name)
    tab_to(page, link)
    page.keyboard.press("Enter")


def test_a_newcomer_plays_logs_and_sees_it_counted(served, offline_page):
    page = offline_page
    page.goto(served)
    assert accessibility_violations(page) == []

    follow(page, "Training scenarios")
    name = page.get_by_label("Your name or staff ID")
    name.wait_for(timeout=60_000)
    tab_to(page, name)
    page.keyboard.type("New Volunteer")
    first = load_catalogue().scenarios[0]  # the one shown first in the list
    tab_to(page, page.get_by_role("button", name="Start scenario"))
    page.keyboard.press("Enter")
    play_to_the_end(page, first)
    page.locator(".cb-ending").wait_for(timeout=30_000)
    assert page.get_by_role("link", name=f"Download your certificate for {first.title}")

    page.goto(served)
    follow(page, "Meet-up capture")
    page.get_by_label("New meet-up title").wait_for(timeout=60_000)
    create_meetup(page, "My first meet-up")
    box = page.get_by_label("What was said")
    tab_to(page, box)
    page.keyboard.type("Tea and Tech drop-ins bring in new learners")
    tab_to(page, page.get_by_role("button", name="Save takeaway"))
    page.keyboard.press("Enter")
    page.get_by_text("1 takeaway, newest first.").wait_for(timeout=30_000)

    page.goto(served)
    follow(page, "Manager dashboard")
    page.get_by_text("1 entries match these filters.").wait_for(timeout=60_000)
    page.locator(".cb-summary", has_text="1 attempts at 1 scenarios; 1 passed.").wait_for()
    assert accessibility_violations(page) == []
    assert page.external_requests == []
