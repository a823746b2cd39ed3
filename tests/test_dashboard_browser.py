"""The manager dashboard in a real Voilà server and real Chromium."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from casebook import add_entry, open_casebook
from casebook.demo import fill_demo

from servers import VoilaServer, accessibility_violations

HOSTILE = '<img src=x onerror="window.__xss = 1"> <script>window.__xss = 2</script>'


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{folder / 'casebook.db'}"
    cb = open_casebook(url)
    fill_demo(cb, entries_count=2000, seed=31)
    add_entry(cb, {"kind": "success_story", "title": "Quillfeather story",
                   "text": f"Found work with a loaned tablet {HOSTILE}",
                   "library_service": "Zed Libraries", "themes": ["Jobs and skills"]})
    server = VoilaServer("dashboard.ipynb", env={"CASEBOOK_DB": url}, log=folder / "voila.log")
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def total(page) -> int:
    text = page.locator(".cb-summary[role=status] strong").inner_text()
    return int(text.replace(",", ""))


def test_filters_search_downloads_and_markup(dashboard, offline_page):
    page = offline_page
    page.goto(dashboard.url, wait_until="domcontentloaded")
    page.get_by_text("entries match these filters").wait_for(timeout=90_000)
    assert total(page) == 2001
    assert accessibility_violations(page) == []

    page.get_by_label("Kinds").select_option(label="Challenge")
    page.wait_for_function("() => !document.body.innerText.includes('2,001 entries match')",
                           timeout=30_000)
    challenges = total(page)
    assert 0 < challenges < 2001
    page.get_by_label("Kinds").select_option([])
    page.get_by_text("2,001 entries match these filters").wait_for(timeout=30_000)

    page.get_by_label("Search the casebook").fill("quillfeather")
    page.get_by_role("button", name="Search").click()
    result = page.locator(".cb-results li")
    result.first.wait_for(timeout=30_000)
    assert "Found work with a loaned tablet" in result.first.inner_text()
    assert HOSTILE in result.first.inner_text()  # shown as text...
    assert page.evaluate("window.__xss") is None  # ...and never run
    assert page.locator(".cb-results img, .cb-results script").count() == 0

    with page.expect_download() as chart:
        page.get_by_role("link", name=re.compile("Download this chart")).first.click()
    assert chart.value.path().read_bytes().startswith(b"\x89PNG")

    page.get_by_label("Library services").select_option("Zed Libraries")
    page.get_by_text("1 entries match these filters").wait_for(timeout=30_000)
    page.get_by_role("button", name="Prepare downloads of these entries").click()
    with page.expect_download() as as_csv:
        page.get_by_role("link", name="Download 1 entries (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(as_csv.value.path().read_text("utf-8-sig"))))
    assert [r["library_service"] for r in rows] == ["Zed Libraries"]
    with page.expect_download() as as_xlsx:
        page.get_by_role("link", name="Download 1 entries (XLSX)").click()
    assert as_xlsx.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.value.path().read_bytes()))["entries"]
    assert sheet.max_row == 2
    assert accessibility_violations(page) == []
    assert page.external_requests == []
