"""Meet-up notes become draft entries, whatever way the facilitator wrote them."""

import json
from datetime import date
from pathlib import Path

import pytest

from casebook import EntryFilter, ValidationError, count_entries, list_entries, open_casebook
from casebook.exchange.writeup_parser import parse_date, parse_notes
from casebook.exchange.writeups import read_notes, save_notes

from conftest import run_cli

NOTES = Path(__file__).parent / "data" / "notes"
PLAIN = (NOTES / "plain_writeup.txt").read_text(encoding="utf-8")
MARKDOWN = (NOTES / "markdown_writeup.md").read_text(encoding="utf-8")


def summary(notes):
    return [(d.kind, d.title, d.themes) for d in notes.drafts]


def test_a_plain_text_writeup_with_labelled_bullets():
    notes = parse_notes(PLAIN)
    assert notes.title == "Autumn 2025 network meet-up: Digital help at the front desk"
    assert notes.date == date(2025, 11, 12)
    labelled = [(k, t, th) for k, t, th in summary(notes) if t]
    assert labelled == [
        ("challenge", "Capacity", ["Capacity"]),
        ("challenge", "Capability and confidence", ["Capability and confidence", "Health"]),
        ("challenge", "Security", ["Security"]),
        ("challenge", "Booking systems", ["Booking systems"]),
        ("outcome", "Positive impact", ["Devices and data"]),
        ("resource", "Using Good Things products and services", ["Devices and data"]),
        ("approach", "Successful approaches", []),
        ("outcome", "Promotion", ["Health", "Promotion"]),
    ]
    resources = notes.drafts[[d.title for d in notes.drafts].index(
        "Using Good Things products and services")].resources
    assert resources == ["Learn My Way", "National Databank", "Good Things Foundation"]


def test_nothing_is_dropped_and_unsure_items_are_flagged():
    notes = parse_notes(PLAIN)
    assert len(notes.drafts) == 10  # 2 intro paragraphs + 8 bullets
    intro = notes.drafts[:2]
    assert all(d.kind == "note" and d.needs_review for d in intro)
    # "Positive outcomes and strategies" names two kinds; "Promotion" settles neither.
    promotion = next(d for d in notes.drafts if d.title == "Promotion")
    assert promotion.needs_review
    assert not any(d.needs_review for d in notes.drafts if d.title == "Successful approaches")


def test_a_markdown_writeup_with_bold_labels_numbers_and_nesting():
    notes = parse_notes(MARKDOWN)
    assert notes.title == "Tea and Tech network meet-up"
    assert notes.date == date(2025, 4, 3)
    kinds = [(d.kind, d.title, d.text) for d in notes.drafts]
    assert kinds[0] == ("note", None, "Thanks to everyone who came along.")
    assert kinds[1] == ("challenge", "Booking systems", "every branch does it differently")
    assert kinds[2] == ("challenge", "Volunteers",
                        "hard to recruit and harder to keep\n- especially in rural branches")
    assert kinds[3][:1] == ("challenge",) and "NHS App" in notes.drafts[3].resources
    assert kinds[4] == ("approach", None, "Keep sessions small")
    assert kinds[5] == ("approach", "Word of mouth", "ask learners to bring a friend")
    assert notes.drafts[5].themes == ["Promotion"]
    assert kinds[6] == ("resource", None, "Learn My Way")
    assert kinds[7] == ("resource", None, "Digital Unite (https://www.digitalunite.com)")
    assert [d.kind for d in notes.drafts[8:10]] == ["success_story", "success_story"]
    assert notes.drafts[9].resources == ["National Device Bank"]
    leftover = notes.drafts[10]
    assert (leftover.kind, leftover.needs_review) == ("note", True)
    assert len(notes.drafts) == 11


@pytest.mark.parametrize("heading, kind", [
    ("Barriers", "challenge"), ("What is getting in the way", "challenge"),
    ("What worked", "approach"), ("Top tips", "approach"), ("Useful links", "resource"),
    ("Stories", "success_story"), ("Case studies", "success_story"),
    ("Common enquiries", "enquiry"), ("Impact", "outcome"),
])
def test_section_headings_in_many_wordings(heading, kind):
    for style in (f"## {heading}", f"{heading}:", f"**{heading}**", f"{heading}\n----"):
        notes = parse_notes(f"Meet-up\n1 May 2025\n\n{style}\n- something said\n")
        assert [d.kind for d in notes.drafts] == [kind], style


@pytest.mark.parametrize("written, expected", [
    ("24/03/2025", date(2025, 3, 24)), ("24.03.25", date(2025, 3, 24)),
    ("24 March 2025", date(2025, 3, 24)), ("Monday 24th March 2025", date(2025, 3, 24)),
    ("March 24, 2025", date(2025, 3, 24)), ("2025-03-24", date(2025, 3, 24)),
    ("Date: 24 Mar 2025", date(2025, 3, 24)), ("March 2025", None), ("31/02/2025", None),
])
def test_dates_in_many_formats(written, expected):
    assert parse_date(written) == expected


def test_missing_title_or_date_must_be_given():
    with pytest.raises(ValidationError) as caught:
        read_notes("- just a bullet\n")
    assert {p.field for p in caught.value.problems} == {"meetup_title", "date"}
    notes = read_notes("- just a bullet\n", meetup_title="Given", when=date(2025, 1, 2))
    assert (notes.title, notes.date, len(notes.drafts)) == ("Given", date(2025, 1, 2), 1)


def test_saving_creates_a_meetup_of_draft_entries_with_personal_data_removed(casebook):
    saved = save_notes(casebook, read_notes(MARKDOWN), actor="Facilitator A")
    assert saved.meetup.title == "Tea and Tech network meet-up"
    assert saved.meetup.date == date(2025, 4, 3)
    assert count_entries(casebook, EntryFilter(meetup_id=saved.meetup.id)) == 11
    stored = list_entries(casebook, EntryFilter(meetup_id=saved.meetup.id, statuses="draft"))
    assert len(stored) == 11
    story = next(e for e in stored if "tablet" in e.text)
    assert story.text.startswith("Mrs [NAME] found work")
    assert "[PHONE]" in story.text and story.redactions == {"NAME": 1, "PHONE": 1}


def test_cli_dry_run_prints_drafts_and_writes_nothing(tmp_path, sqlite_url):
    source = tmp_path / "notes.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    result = run_cli("import-notes", str(source), "--db", sqlite_url, "--dry-run",
                     "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    drafts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(drafts) == 11
    assert {"kind", "themes", "text", "title"} <= set(drafts[0])
    assert "07700" not in result.stdout and "[PHONE]" in result.stdout
    assert count_entries(open_casebook(sqlite_url)) == 0


def test_cli_import_saves_and_reports(tmp_path, sqlite_url):
    source = tmp_path / "notes.txt"
    source.write_text(PLAIN, encoding="utf-8")
    result = run_cli("import-notes", str(source), "--db", sqlite_url, "--by", "Sam")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("saved 10 draft entries to meet-up ")
    assert "3 flagged for review" in result.stdout
    assert count_entries(open_casebook(sqlite_url)) == 10


def test_cli_needs_a_date_when_the_notes_have_none(tmp_path, sqlite_url):
    source = tmp_path / "notes.txt"
    source.write_text("Spring meet-up\n\nBarriers\n- Capacity: not enough staff\n")
    result = run_cli("import-notes", str(source), "--db", sqlite_url)
    assert result.returncode == 2 and "give the meet-up's date" in result.stderr
    assert count_entries(open_casebook(sqlite_url)) == 0
    dated = run_cli("import-notes", str(source), "--db", sqlite_url, "--date", "2025-05-01")
    assert dated.returncode == 0, dated.stderr


FAIL_AFTER_FIRST_ENTRY = {
    "sqlite": ["CREATE TRIGGER fail_second_entry BEFORE INSERT ON entries "
               "WHEN (SELECT count(*) FROM entries) >= 1 "
               "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"],
    "postgresql": [
        "CREATE FUNCTION fail_second_entry() RETURNS trigger AS $$ BEGIN "
        "IF (SELECT count(*) FROM entries) >= 1 THEN RAISE EXCEPTION 'the disk is full'; "
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER fail_second_entry BEFORE INSERT ON entries "
        "FOR EACH ROW EXECUTE FUNCTION fail_second_entry()"],
}


def test_import_notes_failing_half_way_stores_nothing(tmp_path, casebook, db_url):
    from sqlalchemy import text

    from casebook import count_meetups

    with casebook.engine.begin() as conn:
        for statement in FAIL_AFTER_FIRST_ENTRY[casebook.dialect]:
            conn.execute(text(statement))
    notes = tmp_path / "notes.md"
    notes.write_text("# Spring meet-up\n24/03/2025\n## Barriers\n- Capacity: too few staff\n"
                     "- Booking systems differ\n- Volunteers leave\n", encoding="utf-8")
    result = run_cli("import-notes", str(notes), "--db", db_url)
    assert result.returncode != 0
    assert "the disk is full" in result.stderr
    assert count_entries(casebook, EntryFilter(statuses=("draft",))) == 0
    assert count_meetups(casebook) == 0
