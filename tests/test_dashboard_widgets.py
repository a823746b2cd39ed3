"""The manager dashboard, driven in-process against a demo casebook on both backends."""

import base64
import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casebook import EntryFilter, add_entry
from casebook.audit import audit_events_of
from casebook.demo import fill_demo
from casebook.training.attempts import start_session
from casebook.training.format import read_scenario
from widgets.dashboard_app import EXPORT_TYPES, DashboardApp

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'


@pytest.fixture
def demo(casebook):
    fill_demo(casebook, entries_count=1500, seed=21)
    add_entry(casebook, {"kind": "success_story", "title": "Kettle <b>story</b>",
                         "text": f"Found work with a loaned tablet {HOSTILE}",
                         "library_service": "Zed Libraries", "themes": ["Jobs and skills"]})
    return casebook


def number(html_text: str) -> int:
    return int(re.search(r"<strong>([\d,]+)</strong>", html_text).group(1).replace(",", ""))


def downloads(app) -> dict[str, bytes]:
    return {m.group(1): base64.b64decode(m.group(2)) for m in re.finditer(
        r'download="[^"]+\.(\w+)" href="data:[^;]+;base64,([^"]+)"', app.downloads.value)}


def test_an_empty_casebook_explains_how_data_gets_in(casebook):
    app = DashboardApp(casebook=casebook)
    assert "Nothing to show yet" in app.views["themes"].value
    assert "Meet-up capture" in app.views["themes"].value and app.messages.value == ""


def test_every_view_has_a_summary_a_described_chart_and_its_numbers(demo):
    app = DashboardApp(casebook=demo)
    assert number(app.total.value) == 1501
    for name in ("themes", "challenges", "resources"):
        view = app.views[name].value
        assert 'class="cb-summary"' in view and "<table" in view
        assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{20,}"', view)
        assert "Download this chart (PNG)" in view


def test_filters_change_the_numbers(demo):
    app = DashboardApp(casebook=demo)
    everything = number(app.total.value)
    assert app.state.filter == EntryFilter()
    app.kinds.value = ("challenge",)
    assert app.state.filter == EntryFilter(kinds=("challenge",))
    challenges = number(app.total.value)
    assert 0 < challenges < everything
    assert "No success stories match" in app.views["stories"].value
    app.kinds.value = ()
    app.services.value = ("Zed Libraries",)
    assert number(app.total.value) == 1
    app.services.value = ()
    app.since.value, app.until.value = date(2030, 1, 1), date(2030, 12, 31)
    assert "Nothing to show yet" in app.views["themes"].value
    app.until.value = date(2029, 1, 1)
    assert "From date is after the To date" in app.messages.value
    # the state keeps the last filter that made sense, and the views still show it
    assert app.state.filter.until == date(2030, 12, 31)


def test_entry_text_is_shown_as_text(demo):
    app = DashboardApp(casebook=demo)
    app.services.value = ("Zed Libraries",)
    stories = app.views["stories"].value
    assert "&lt;script&gt;" in stories and "<script" not in stories and "<img src=x" not in stories
    assert "Kettle &lt;b&gt;story&lt;/b&gt;" in stories


def test_search_finds_a_known_entry_within_the_filters(demo):
    app = DashboardApp(casebook=demo)
    app.query.value = "kettle story"
    app.search_button.click()
    assert "Found work with a loaned tablet" in app.results.value
    assert "<script" not in app.results.value
    app.kinds.value = ("challenge",)  # the results follow the filter at once
    assert "Found work with a loaned tablet" not in app.results.value
    app.kinds.value = ()
    assert "Found work with a loaned tablet" in app.results.value


def test_downloads_are_valid_csv_and_xlsx_of_the_filtered_entries(demo):
    app = DashboardApp(casebook=demo)
    app.kinds.value = ("success_story",)
    app.export_button.click()
    files = downloads(app)
    expected = number(app.total.value)
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert len(rows) == expected and {r["kind"] for r in rows} == {"success_story"}
    sheet = load_workbook(io.BytesIO(files["xlsx"]))["entries"]
    assert sheet.max_row == expected + 1
    charts = re.findall(r'href="data:image/png;base64,([^"]+)"', app.views["themes"].value)
    assert charts and base64.b64decode(charts[0]).startswith(b"\x89PNG")
    audited = [e for e in audit_events_of(demo) if e.action == "export"]
    assert sorted(e.detail["format"] for e in audited) == sorted(EXPORT_TYPES)
    assert {(e.detail["via"], e.detail["rows"]) for e in audited} == {
        ("dashboard download", expected)}
    assert all(e.detail["filter"] == {"kinds": ["success_story"]} for e in audited)


EXAMPLE = read_scenario(Path(__file__).parent / "data" / "scenarios" / "example.yaml")


def play(cb, learner: str, choices: list[int]) -> None:
    """An attempt at the example scenario, choosing by file index."""
    session = start_session(cb, EXAMPLE, learner=learner)
    for index in choices:
        session.choose(index, "fairly sure")


def test_the_training_view_names_the_red_lines_crossed_by_title(casebook):
    play(casebook, "A", [2, 0])  # crosses the red line
    play(casebook, "B", [2, 0])
    play(casebook, "C", [0, 0])
    play(casebook, "D", [1, 1])
    view = DashboardApp(casebook=casebook).views["training"].value
    assert "<h3>Red lines crossed</h3>" in view
    assert ("The most crossed red line is in Is the library Wi-Fi safe?: \u201cStaff never "
            "sign in to a customer&#x27;s bank or handle their passcodes.\u201d, crossed in 2 "
            "of 4 attempts (50%).") in view
    table = view[view.index("<caption>Red lines crossed"):]
    table = table[:table.index("</table>")]
    assert [re.sub("<[^>]+>", "|", row).strip("|").split("||") for row in
            re.findall(r"<tr><td>.*?</tr>", table)] == [
        ["Is the library Wi-Fi safe?", "Staff never sign in to a customer&#x27;s bank or "
         "handle their passcodes.", "2", "4", "50%"]]
    for header in ("Scenario", "Red line", "Times crossed", "Of attempts", "%"):
        assert f'<th scope="col">{header}</th>' in table
    # Titles, never ids, in every training figure; the wrong answer names the decision.
    assert "test-example" not in view
    hardest = view[view.index("<caption>Hardest decisions"):]
    assert "<td>Is the library Wi-Fi safe?</td>" in hardest
    assert "Offer to sign in to Sam&#x27;s bank and check it for Sam" in hardest


def test_no_red_line_crossed_is_said_plainly(casebook):
    play(casebook, "E", [0, 0])
    view = DashboardApp(casebook=casebook).views["training"].value
    assert "No red line was crossed in the attempts that match these filters." in view
