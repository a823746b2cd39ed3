"""Saving a meet-up's written-up notes: one meet-up, and a draft entry per takeaway."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..entries import Entry, clean_and_redact, insert_entry
from ..errors import Problem, ValidationError
from ..meetups import Meetup, clean_meetup, insert_meetup
from ..store import Casebook
from .writeup_parser import Draft, Notes, parse_notes


@dataclass(frozen=True)
class ImportedNotes:
    meetup: Meetup
    entries: list[Entry]


def read_notes(document: str, *, meetup_title: str | None = None,
               when: date | None = None) -> Notes:
    """Parse notes and check they can be saved: a title, a date, at least one takeaway."""
    notes = parse_notes(document, title=meetup_title, when=when)
    problems = []
    if not notes.title:
        problems.append(Problem("meetup_title", "required",
                                "the notes have no title line; give the meet-up's title"))
    if not notes.date:
        problems.append(Problem("date", "required",
                                "the notes have no date line; give the meet-up's date"))
    if not notes.drafts:
        problems.append(Problem("notes", "empty", "found no takeaways (bullets or paragraphs)"))
    if problems:
        raise ValidationError(problems)
    return notes


def save_notes(cb: Casebook, notes: Notes, drafts: list[Draft] | None = None, *,
               host_network: str | None = None, actor: str | None = None) -> ImportedNotes:
    """Create the meet-up and store every draft (possibly edited) as a draft entry.

    Everything is checked before anything is written, and the meet-up and its
    entries are stored in one transaction: a failure part-way (a full disk, a
    lost server) leaves no meet-up and no entry behind.
    """
    drafts = notes.drafts if drafts is None else drafts
    meetup = clean_meetup({"title": notes.title, "date": notes.date,
                           "host_network": host_network})
    prepared, problems = [], []
    for draft in drafts:
        try:
            prepared.append(clean_and_redact({**draft.entry_fields(), "created_by": actor}))
        except ValidationError as exc:
            problems.extend(replace(p, row=draft.line) for p in exc.problems)
    if problems:
        raise ValidationError(problems)
    with cb.write() as conn:
        stored = insert_meetup(conn, meetup)
        saved = [insert_entry(conn, {**cleaned, "meetup_id": stored.id}, redactions, actor=actor)
                 for cleaned, redactions in prepared]
    return ImportedNotes(stored, saved)
