"""Personal data is found in its many UK spellings; ordinary content survives untouched.

The corpus (tests/data/redaction_corpus.yaml) was written from the specification
by someone other than the implementer; all of its people and numbers are invented.
"""

from pathlib import Path

import pytest
import yaml

from casebook import add_entry, add_meetup, entry_history, get_entry, update_entry
from casebook.redaction import KINDS, luhn_is_valid, nhs_number_is_valid, redact

from conftest import run_cli

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "redaction_corpus.yaml")
                        .read_text(encoding="utf-8"))


def test_the_corpus_is_big_enough_and_covers_every_kind():
    assert len(CORPUS["personal"]) >= 60 and len(CORPUS["clean"]) >= 30
    seen = {kind for item in CORPUS["personal"] for kind in item["kinds"]}
    assert seen == set(KINDS)


@pytest.mark.parametrize("item", CORPUS["personal"], ids=lambda item: item["id"])
def test_personal_data_is_replaced(item):
    result = redact(item["text"])
    assert result.text == item["expected"]
    assert result.counts == item["kinds"]


@pytest.mark.parametrize("item", CORPUS["clean"], ids=lambda item: item["id"])
def test_ordinary_content_survives_unchanged(item):
    result = redact(item["text"])
    assert result.text == item["text"]
    assert result.counts == {}


def test_redacting_twice_changes_nothing_more():
    for item in CORPUS["personal"]:
        once = redact(item["text"]).text
        assert redact(once).text == once


def test_check_digits():
    assert nhs_number_is_valid("943 476 5919") and not nhs_number_is_valid("943 476 5918")
    assert luhn_is_valid("4111 1111 1111 1111") and not luhn_is_valid("4111 1111 1111 1112")
    assert redact("NHS number 943 476 5918").text == "NHS number 943 476 5918"


def test_entries_are_redacted_before_storing_and_counts_are_kept(casebook):
    entry = add_entry(casebook, {"kind": "enquiry", "title": "Call back 07700 900123",
                                 "text": "Mrs Okafor, NHS number 943 476 5919, "
                                         "email a.okafor@example.com"})
    stored = get_entry(casebook, entry.id)
    assert stored.title == "Call back [PHONE]"
    assert stored.text == "Mrs [NAME], NHS number [NHS NUMBER], email [EMAIL]"
    assert stored.redactions == {"EMAIL": 1, "NAME": 1, "NHS NUMBER": 1, "PHONE": 1}
    # The audit trail never holds the removed values either.
    assert "07700" not in str([r.changes for r in entry_history(casebook, entry.id)])
    updated = update_entry(casebook, entry.id, {"text": "Ring Mr Adeyemi on 0161 496 0000"})
    assert updated.text == "Ring Mr [NAME] on [PHONE]"
    assert updated.redactions == {"EMAIL": 1, "NAME": 2, "NHS NUMBER": 1, "PHONE": 2}
    history = str([r.changes for r in entry_history(casebook, entry.id)])
    assert "Adeyemi" not in history and "496 0000" not in history


def test_meetup_notes_are_redacted(casebook):
    meetup = add_meetup(casebook, title="Spring meet-up", date="2025-04-01",
                        notes="Contact Ms Patel on 020 7946 0018")
    assert meetup.notes == "Contact Ms [NAME] on [PHONE]"


def test_cli_filters_stdin_to_stdout():
    result = run_cli("redact", "--report", input="Mr Li, SW1A 1AA\nRoom 3 at 10:30\n")
    assert result.returncode == 0
    assert result.stdout == "Mr [NAME], [POSTCODE]\nRoom 3 at 10:30\n"
    assert result.stderr.strip() == "removed NAME: 1, POSTCODE: 1"


def test_jsonl_import_path_is_redacted_too(sqlite_url):
    result = run_cli("add", "--db", sqlite_url, "--jsonl", "-",
                     input='{"kind": "note", "text": "DOB 12/03/1956"}\n')
    from casebook import open_casebook
    entry = get_entry(open_casebook(sqlite_url), result.stdout.strip())
    assert entry.text == "DOB [DATE OF BIRTH]" and entry.redactions == {"DATE OF BIRTH": 1}
