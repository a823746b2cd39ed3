"""A meet-up's key takeaways page: grouped, counted, and never running entry markup."""

from html.parser import HTMLParser

import pytest

from casebook import NotFound, add_entry, add_meetup, delete_entry, update_entry
from casebook.exchange.report import gather, md_escape, render

from conftest import run_cli

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script> **bold** [x](javascript:y)'


@pytest.fixture
def meetup(casebook):
    meetup = add_meetup(casebook, title="Back to basics <b>", date="2025-03-24",
                        host_network="North network")
    add = lambda **data: add_entry(casebook, {**data, "meetup_id": meetup.id})  # noqa: E731
    add(kind="challenge", title="Capacity", text="Too few staff on shift",
        themes=["Capacity"], library_service="Leeds Libraries")
    add(kind="challenge", text="Open Wi-Fi worries", themes=["Security", "Capacity"],
        library_service="York Libraries")
    add(kind="challenge", text=HOSTILE, themes=["Security"])
    add(kind="approach", text="Tea and Tech with Learn My Way", themes=[])
    add(kind="resource", text="Learn My Way and the National Databank", status="draft")
    archived = add(kind="note", text="archived one")
    update_entry(casebook, archived.id, {"status": "archived"})
    delete_entry(casebook, add(kind="note", text="deleted one").id)
    add_entry(casebook, {"kind": "note", "text": "another meet-up's entry"})
    return meetup


def test_grouped_by_kind_then_theme_with_counts(casebook, meetup):
    t = gather(casebook, meetup.id)
    assert t.total == 5 and t.services == 2
    assert list(t.groups) == ["challenge", "approach", "resource"]
    # An entry sits under its first theme in taxonomy order (Capacity before Security).
    assert {theme: len(group) for theme, group in t.groups["challenge"].items()} == {
        "Capacity": 2, "Security": 1}
    assert list(t.groups["approach"]) == ["Other"]
    assert t.resources == [("Learn My Way", 2), ("National Databank", 1)]


def test_markdown_report(casebook, meetup):
    page = render(casebook, meetup.id, "md")
    assert page.startswith("# Key takeaways: Back to basics &lt;b&gt;\n")
    assert "24 March 2025, hosted by North network. 5 takeaways from 2 library services." in page
    assert "## Challenges (3)" in page and "### Capacity (2)" in page
    assert "- **Capacity:** Too few staff on shift — Leeds Libraries" in page
    assert "Open Wi-Fi worries — York Libraries *(also: Security)*" in page
    assert "## Resources mentioned\n\n- Learn My Way (2)\n- National Databank (1)" in page
    assert "archived one" not in page and "deleted one" not in page
    assert "another meet-up" not in page
    assert "<img" not in page and "<script" not in page
    assert md_escape(HOSTILE) in page


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_shows_markup_as_text(casebook, meetup):
    page = render(casebook, meetup.id, "html")
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [a for a in parsed.attributes if a.startswith("on")]
    assert HOSTILE in "".join(parsed.text)  # shown to readers exactly as typed
    assert '<html lang="en-GB">' in page and "<h1>Key takeaways: Back to basics &lt;b&gt;</h1>" \
        in page
    assert "http" not in page.split("<body>")[0]  # no external stylesheet or script


def test_an_empty_meetup_says_so(casebook):
    empty = add_meetup(casebook, title="Quiet one", date="2025-01-01")
    assert "No takeaways have been logged" in render(casebook, empty.id, "md")
    assert "No takeaways have been logged" in render(casebook, empty.id, "html")


def test_unknown_meetup(casebook):
    with pytest.raises(NotFound, match="no meet-up has id"):
        render(casebook, "00000000-0000-4000-8000-000000000000", "html")


def test_cli_report(sqlite_url, tmp_path):
    from casebook import open_casebook
    cb = open_casebook(sqlite_url)
    meetup = add_meetup(cb, title="Spring", date="2025-04-01")
    add_entry(cb, {"kind": "challenge", "text": HOSTILE, "meetup_id": meetup.id})
    result = run_cli("report", "--db", sqlite_url, "--meetup", meetup.id, "--format", "md")
    assert result.returncode == 0 and result.stdout.startswith("# Key takeaways: Spring")
    out = tmp_path / "report.html"
    result = run_cli("report", "--db", sqlite_url, "--meetup", meetup.id, "--out", str(out))
    assert result.returncode == 0 and "<script>" not in out.read_text()
    missing = run_cli("report", "--db", sqlite_url, "--meetup", "nope")
    assert missing.returncode == 2 and "no meet-up has id nope" in missing.stderr
