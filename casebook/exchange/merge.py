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

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from ..entries import Entry, change_entry, clean_and_redact, insert_entry, load_entries
from ..errors import CasebookError, Problem, ValidationError
from ..redaction import merge_counts, redact
from ..store import Casebook
from ..store.schema import entries, meetups
from .flat import LIST_FIELDS, LIST_SEPARATOR, restore

BATCH = 500
IMPORT_ACTOR = "import"
_ENTRY_KEYS = ("id", "kind", "title", "text", "themes", "offers", "skills",
               "library_service", "region", "meetup_id", "created_by", "status", "created_at")


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


@dataclass
class _Record:
    row: int
    data: dict
    meetup: dict | None


def import_entries(cb: Casebook, path: Path | str, *, actor: str = IMPORT_ACTOR) -> MergeReport:
    """Merge the entries in a file or data package folder into the casebook."""
    report = MergeReport()
    batch: list[_Record] = []
    for record in read_records(Path(path), report):
        batch.append(record)
        if len(batch) >= BATCH:
            _merge_batch(cb, batch, report, actor)
            batch = []
    if batch:
        _merge_batch(cb, batch, report, actor)
    report.problems.sort(key=lambda p: p.row or 0)
    return report


def read_records(path: Path, report: MergeReport) -> Iterator[_Record]:
    """Rows of a CSV, JSONL or data package, as entry fields plus their meet-up."""
    if path.is_dir() or path.name == "datapackage.json":
        yield from _datapackage_records(path if path.is_dir() else path.parent)
    elif not path.exists():
        raise CasebookError(f"{path} does not exist")
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _jsonl_records(path, report)
    elif path.suffix.lower() == ".csv":
        yield from _csv_records(path)
    else:
        raise CasebookError(f"{path}: expected a .csv or .jsonl file or a data package folder")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEPARATOR.strip())] if value else []


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def _csv_row(raw: dict) -> tuple[dict, dict | None]:
    row = {k: (restore(v) if v else None) for k, v in raw.items() if k}
    for name in LIST_FIELDS:
        row[name] = _split(row.get(name))
    meetup = None
    if row.get("meetup_id") and row.get("meetup_title"):
        meetup = {"id": row["meetup_id"], "title": row["meetup_title"],
                  "date": row.get("meetup_date"), "host_network": row.get("meetup_host_network")}
    return row, meetup


def _csv_records(path: Path) -> Iterator[_Record]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            row, meetup = _csv_row(raw)
            yield _Record(number, row, meetup)


def _jsonl_records(path: Path, report: MergeReport) -> Iterator[_Record]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(Problem("line", "json", f"not valid JSON: {exc.msg}",
                                               row=number))
                continue
            if not isinstance(row, dict):
                report.problems.append(Problem("line", "type", "expected a JSON object",
                                               row=number))
                continue
            meetup = None
            if row.get("meetup_id") and row.get("meetup_title"):
                meetup = {"id": row["meetup_id"], "title": row["meetup_title"],
                          "date": row.get("meetup_date"),
                          "host_network": row.get("meetup_host_network")}
            yield _Record(number, row, meetup)


def _datapackage_records(folder: Path) -> Iterator[_Record]:
    from .datapackage import LABEL_RESOURCES

    if not (folder / "datapackage.json").exists():
        raise CasebookError(f"{folder} has no datapackage.json")

    def rows(name: str) -> Iterator[dict]:
        path = folder / f"{name}.csv"
        if not path.exists():
            return
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for raw in csv.DictReader(handle):
                yield {k: (restore(v) if v else None) for k, v in raw.items() if k}

    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, column, field_name in LABEL_RESOURCES:
        for row in rows(name):
            labels[row["entry_id"]][field_name].append(row[column])
    known_meetups = {row["id"]: row for row in rows("meetups")}
    for number, row in enumerate(rows("entries"), start=2):
        for name in LIST_FIELDS:
            row[name] = labels[row.get("id")][name] if row.get("id") else []
        yield _Record(number, row, known_meetups.get(row.get("meetup_id") or ""))


def _merge_batch(cb: Casebook, batch: list[_Record], report: MergeReport, actor: str) -> None:
    prepared = []
    for record in batch:
        try:
            prepared.append((record, *_prepare(record.data)))
        except ValidationError as exc:
            report.problems.extend(_at_row(p, record.row) for p in exc.problems)
    with cb.write() as conn:
        for record, cleaned, redactions, extra in prepared:
            problem = _ensure_meetup(conn, cleaned.get("meetup_id"), record.meetup, report)
            if problem:
                report.problems.append(_at_row(problem, record.row))
                continue
            _merge_one(conn, record.row, cleaned, redactions, extra, report, actor)


def _at_row(problem: Problem, row: int) -> Problem:
    return Problem(problem.field, problem.code, problem.message, problem.value, row)


def _prepare(data: dict) -> tuple[dict, dict, dict]:
    """Clean and redact the entry fields; keep the merge-only ones aside."""
    fields = {k: data.get(k) for k in _ENTRY_KEYS if data.get(k) not in (None, "")}
    cleaned, redactions = clean_and_redact(fields)
    problems = []
    extra = {"deleted": _flag(data.get("deleted") or False),
             "is_demo": _flag(data.get("is_demo") or False), "updated_at": None,
             "redactions": {}}
    stamp = data.get("updated_at")
    if stamp:
        try:
            parsed = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
            extra["updated_at"] = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
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
                   report: MergeReport) -> Problem | None:
    if not meetup_id or conn.execute(
            select(meetups.c.id).where(meetups.c.id == meetup_id)).first():
        return None
    when = described and described.get("date")
    if not (described and described.get("title") and when):
        return Problem("meetup_id", "not_found",
                       f"meet-up {meetup_id} is not in this casebook and the file does not "
                       "give its title and date")
    try:
        when = date.fromisoformat(str(when))
    except ValueError:
        return Problem("meetup_date", "format", f"{when!r} is not a date like 2025-03-24")
    conn.execute(insert(meetups).values(
        id=meetup_id, title=redact(str(described["title"])).text[:200], date=when,
        host_network=described.get("host_network"),
        notes=redact(described["notes"]).text if described.get("notes") else None,
        is_demo=_flag(described.get("is_demo") or False), created_at=datetime.now(UTC)))
    report.meetups_added += 1
    return None


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
    when = theirs.isoformat() if theirs else "an unknown time"
    report.conflicts.append(Problem(
        "id", "conflict",
        f"entry {entry_id} differs, and this casebook's copy (changed "
        f"{current.updated_at.isoformat()}) is not older than the file's ({when}); kept "
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
