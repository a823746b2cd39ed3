"""The meet-up app in a real Voilà server and real Chromium: two facilitators at
once, markup that never runs, and the whole flow with the keyboard alone."""

from __future__ import annotations

import pytest

from casebook import EntryFilter, add_meetup, list_entries, open_casebook

from servers import VoilaServer, accessibility_violations, create_meetup, tab_to

HOSTILE = ('<img src=x onerror="window.__xss = 1"> <script>window.__xss = 2</script> '
           "<b>not bold</b>")


@pytest.fixture(scope="module")
def meetup_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("meetup")
    url = f"sqlite:///{folder / 'casebook.db'}"
    add_meetup(open_casebook(url), title="Shared breakout meet-up", date="2025-05-01")
    server = VoilaServer("meetup.ipynb", env={"CASEBOOK_DB": url}, log=folder / "voila.log")
    try:
        server.wait()
        yield server, url
    finally:
        server.stop()


def open_app(page, server):
    page.goto(server.url, wait_until="domcontentloaded")
    page.get_by_label("Meet-up", exact=True).wait_for(timeout=60_000)
    page.on("dialog", lambda dialog: (setattr(page, "saw_dialog", True), dialog.dismiss()))


def pick_meetup(page, title: str) -> None:
    picker = page.get_by_label("Meet-up", exact=True)
    tab_to(page, picker)
    for _ in range(10):
        shown = "el => el.selectedIndex < 0 ? '' : el.options[el.selectedIndex].text"
        if title in picker.evaluate(shown).replace("\xa0", " "):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no meet-up {title!r} to pick")


def type_takeaway(page, text: str) -> None:
    box = page.get_by_label("What was said")
    tab_to(page, box)
    page.keyboard.type(text)


def test_two_facilitators_at_once_each_see_both(meetup_server, browser):
    server, url = meetup_server
    pages = [browser.new_context().new_page() for _ in range(2)]
    for page in pages:
        open_app(page, server)
        pick_meetup(page, "Shared breakout meet-up")
    type_takeaway(pages[0], "Room one: too few volunteers")
    type_takeaway(pages[1], HOSTILE)
    for page in pages:  # both save in the same moment
        tab_to(page, page.get_by_role("button", name="Save takeaway"))
    for page in pages:
        page.keyboard.press("Enter")
    for page in pages:
        page.get_by_text("2 takeaways, newest first.").wait_for(timeout=30_000)
        entries = page.locator(".cb-entry-text")
        entries.get_by_text("Room one: too few volunteers", exact=True).wait_for()
        # The markup arrives as text: visible to read, never run.
        entries.get_by_text(HOSTILE, exact=True).wait_for()
        assert page.evaluate("window.__xss") is None
        assert page.locator(".cb-entry img, .cb-entry script, .cb-entry b").count() == 0
        assert not getattr(page, "saw_dialog", False)
    stored = list_entries(open_casebook(url), EntryFilter())
    assert sorted(e.text for e in stored) == sorted(["Room one: too few volunteers", HOSTILE])
    for page in pages:
        page.context.close()


def test_the_whole_flow_with_the_keyboard_only(meetup_server, offline_page):
    server, url = meetup_server
    page = offline_page
    open_app(page, server)
    assert accessibility_violations(page) == []
    create_meetup(page, "Keyboard meet-up")
    kind = page.get_by_label("Kind of takeaway")
    tab_to(page, kind)
    page.keyboard.press("ArrowDown")  # Challenge -> Outcome
    themes = page.get_by_label("Themes", exact=True)
    tab_to(page, themes)
    page.keyboard.press("ArrowDown")  # selects the first theme
    type_takeaway(page, "Mr Grant booked a slot on 07700 900456")
    tab_to(page, page.get_by_role("button", name="Save takeaway"))
    page.keyboard.press("Enter")
    page.get_by_text("Personal data will be removed before saving").wait_for(timeout=30_000)
    confirm = page.get_by_role("button", name="Confirm and save")
    page.wait_for_function("() => document.activeElement && "
                           "document.activeElement.textContent.includes('Confirm and save')")
    page.keyboard.press("Enter")
    page.get_by_text("1 takeaway, newest first.").wait_for(timeout=30_000)
    assert confirm.is_hidden()
    (entry,) = [e for e in list_entries(open_casebook(url)) if "booked a slot" in e.text]
    assert entry.text == "Mr [NAME] booked a slot on [PHONE]"
    assert entry.kind == "outcome" and len(entry.themes) == 1
    tab_to(page, page.get_by_role("button", name="Prepare the key takeaways report"))
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Download the report (web page)")
    link.wait_for(timeout=30_000)
    tab_to(page, link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = download.value.path().read_text(encoding="utf-8")
    assert "Key takeaways: Keyboard meet-up" in saved and "[PHONE]" in saved
    assert accessibility_violations(page) == []
    assert page.external_requests == []


def test_the_accessibility_audit_catches_a_planted_fault(meetup_server, offline_page):
    """So that the zero-violation checks above mean something."""
    server, _ = meetup_server
    open_app(offline_page, server)
    offline_page.evaluate("document.body.insertAdjacentHTML('beforeend', "
                          "'<img src=\"data:,\"><button></button>')")
    found = accessibility_violations(offline_page)
    assert any(v.startswith("image-alt") for v in found)
    assert any(v.startswith("button-name") for v in found)
