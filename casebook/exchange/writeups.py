"""Saving a meet-up's written-up notes: one meet-up, and a draft entry per takeaway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..entries import Entry, add_entries, clean_and_redact
from ..errors import Problem, ValidationError
from ..meetups import Meetup, add_meetup
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

    Every draft is checked before anything is written; then the entries go in
    together, so a failure never leaves half a meet-up behind.
    """
    drafts = notes.drafts if drafts is None else drafts
    fields = [{**d.entry_fields(), "created_by": actor} for d in drafts]
    problems = []
    for row, data in enumerate(fields, start=1):
        try:
            clean_and_redact(data)
        except ValidationError as exc:
            problems.extend(Problem(p.field, p.code, p.message, p.value, drafts[row - 1].line)
                            for p in exc.problems)
    if problems:
        raise ValidationError(problems)
    meetup = add_meetup(cb, title=notes.title, date=notes.date, host_network=host_network)
    saved = add_entries(cb, [{**f, "meetup_id": meetup.id} for f in fields], actor=actor)
    return ImportedNotes(meetup, saved)
