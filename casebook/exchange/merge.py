"""Importing entries exported by any casebook: CSV, JSONL or a data package.

Entries are merged by UUID, so importing the same file twice, or several
library services' exports into one network casebook, never makes duplicates:

- an entry the casebook does not have is added, keeping its UUID and times;
- one whose fields are the same is left alone;
- one the file has a newer version of (a later ``updated_at``) is updated,
  with a history row saying it came from an import;
- one the casebook has changed later than the file is kept as it is, and
  reported as a conflict for a person to look at.

Every row is checked first; a bad row is reported with its number and reason
and skipped, and the good rows are all kept. Rows go in by the batch, each
batch one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select

from ..entries import Entry, change_entry, clean_and_redact, insert_entry, load_entries
from ..errors import CasebookError, Problem, ValidationError
from ..meetups import clean_meetup, insert_meetup, meetup_exists
from ..redaction import merge_counts
from ..store import Casebook
from ..store.schema import entries
from ..validation import ENTRY_FIELDS, parse_timestamp, timestamp_text
from .cells import flag
from .datapackage import read_datapackage
from .flat import Record, read_entries_csv, read_entries_jsonl

BATCH = 500
IMPORT_ACTOR = "import"


@dataclass
class MergeReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    meetups_added: int = 0
    conflicts: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.conflicts)} conflicts, {self.bad_rows} bad rows; "
                f"{self.meetups_added} meet-ups added")


def import_entries(cb: Casebook, path: Path | str, *, actor: str = IMPORT_ACTOR) -> MergeReport:
    """Merge the entries in a file or data package folder into the casebook."""
    report = MergeReport()
    batch: list[Record] = []
    for record in read_records(Path(path), report):
        batch.append(record)
        if len(batch) >= BATCH:
            _merge_batch(cb, batch, report, actor)
            batch = []
    if batch:
        _merge_batch(cb, batch, report, actor)
    report.problems.sort(key=lambda p: p.row or 0)
    return report


def read_records(path: Path, report: MergeReport) -> Iterator[Record]:
    """Rows of a CSV, JSONL or data package, as entry fields plus their meet-up."""
    if path.is_dir() or path.name == "datapackage.json":
        yield from read_datapackage(path if path.is_dir() else path.parent)
    elif not path.exists():
        raise CasebookError(f"{path} does not exist")
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from read_entries_jsonl(path, report.problems)
    elif path.suffix.lower() == ".csv":
        yield from read_entries_csv(path)
    else:
        raise CasebookError(f"{path}: expected a .csv or .jsonl file or a data package folder")


def _merge_batch(cb: Casebook, batch: list[Record], report: MergeReport, actor: str) -> None:
    prepared = []
    for record in batch:
        try:
            prepared.append((record, *_prepare(record.data)))
        except ValidationError as exc:
            report.problems.extend(_at_row(p, record.row) for p in exc.problems)
    with cb.write() as conn:
        for record, cleaned, redactions, extra in prepared:
            problems = _ensure_meetup(conn, cleaned.get("meetup_id"), record.meetup, report)
            if problems:
                report.problems.extend(_at_row(p, record.row) for p in problems)
                continue
            _merge_one(conn, record.row, cleaned, redactions, extra, report, actor)


def _at_row(problem: Problem, row: int) -> Problem:
    return Problem(problem.field, problem.code, problem.message, problem.value, row)


def _prepare(data: dict) -> tuple[dict, dict, dict]:
    """Clean and redact the entry fields; keep the merge-only ones aside."""
    fields = {k: data.get(k) for k in ENTRY_FIELDS if data.get(k) not in (None, "")}
    cleaned, redactions = clean_and_redact(fields)
    problems = []
    extra = {"deleted": flag(data.get("deleted") or False),
             "is_demo": flag(data.get("is_demo") or False), "updated_at": None,
             "redactions": {}}
    stamp = data.get("updated_at")
    if stamp:
        try:
            extra["updated_at"] = parse_timestamp(stamp)
        except ValueError:
            problems.append(Problem("updated_at", "format",
                                    f"{stamp!r} is not an ISO 8601 date and time"))
    counts = data.get("redactions")
    if isinstance(counts, str) and counts.strip():
        try:
            counts = json.loads(counts)
        except json.JSONDecodeError:
            problems.append(Problem("redactions", "format", f"{counts!r} is not a JSON object"))
    if isinstance(counts, dict):
        extra["redactions"] = {str(k): int(v) for k, v in counts.items()
                               if isinstance(v, int | float)}
    if problems:
        raise ValidationError(problems)
    return cleaned, redactions, extra


def _ensure_meetup(conn: Connection, meetup_id: str | None, described: dict | None,
                   report: MergeReport) -> list[Problem]:
    """Make sure the entry's meet-up exists, adding it from the file's description (checked
    like one created in the app) if this casebook does not have it."""
    if not meetup_id or meetup_exists(conn, meetup_id):
        return []
    if not (described and described.get("title") and described.get("date")):
        return [Problem("meetup_id", "not_found",
                        f"meet-up {meetup_id} is not in this casebook and the file does not "
                        "give its title and date")]
    try:
        cleaned = clean_meetup(described)
    except ValidationError as exc:
        return [Problem(f"meetup_{p.field}", p.code, p.message, p.value) for p in exc.problems]
    insert_meetup(conn, cleaned, meetup_id=meetup_id,
                  is_demo=flag(described.get("is_demo") or False))
    report.meetups_added += 1
    return []


def _merge_one(conn: Connection, row: int, cleaned: dict, redactions: dict, extra: dict,
               report: MergeReport, actor: str) -> None:
    counts = merge_counts(extra["redactions"], redactions)
    entry_id = cleaned.get("id")
    current = _current(conn, entry_id) if entry_id else None
    if current is None:
        insert_entry(conn, cleaned, counts, actor=actor, is_demo=extra["is_demo"],
                     deleted=extra["deleted"], updated_at=extra["updated_at"])
        report.added += 1
        return
    incoming = {k: v for k, v in cleaned.items() if k not in ("id", "created_at")}
    incoming["deleted"] = extra["deleted"]
    if _same(current, incoming):
        report.unchanged += 1
        return
    theirs = extra["updated_at"]
    if theirs is not None and theirs > current.updated_at:
        change_entry(conn, current, incoming, counts, actor=actor, action="import",
                     updated_at=theirs)
        report.updated += 1
        return
    when = timestamp_text(theirs) if theirs else "an unknown time"
    report.conflicts.append(Problem(
        "id", "conflict",
        f"entry {entry_id} differs, and this casebook's copy (changed "
        f"{timestamp_text(current.updated_at)}) is not older than the file's ({when}); kept "
        "this casebook's copy", row=row))


def _current(conn: Connection, entry_id: str) -> Entry | None:
    seq = conn.execute(select(entries.c.seq).where(entries.c.id == entry_id)).scalar()
    return load_entries(conn, [seq])[0] if seq is not None else None


def _same(current: Entry, incoming: dict) -> bool:
    for name, value in incoming.items():
        if name == "resources":
            continue
        have = getattr(current, name)
        if isinstance(have, tuple):
            have = list(have)
        if have != value:
            return False
    return True
