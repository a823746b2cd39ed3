"""Exporting entries: CSV and XLSX for people, JSONL and Frictionless data packages
for other casebooks and tools.

Every format carries everything needed to merge the entries into another
casebook: the UUID, the timestamps and the meet-up each came from. CSV and
XLSX cells that a spreadsheet would run as a formula are neutralised with a
leading apostrophe (OWASP's advice on CSV injection); the step is reversible,
so importing the file gives back exactly what was exported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..entries import Entry, iter_entries
from ..errors import Problem, ValidationError
from ..filters import EntryFilter
from ..meetups import Meetup, get_meetup
from ..resources import KNOWN_RESOURCES
from ..store import Casebook
from ..taxonomy import KINDS, OFFERS, SKILLS, STATUSES, THEMES

FORMATS = ("csv", "xlsx", "jsonl", "datapackage")
LIST_FIELDS = ("themes", "offers", "skills", "resources")
LIST_SEPARATOR = "; "
MEETUP_FIELDS = ("meetup_title", "meetup_date", "meetup_host_network")
ENTRY_COLUMNS = ("id", "kind", "title", "text", "themes", "offers", "skills", "resources",
                 "library_service", "region", "meetup_id", *MEETUP_FIELDS, "created_by",
                 "status", "deleted", "is_demo", "created_at", "updated_at", "redactions")
# Characters that make a spreadsheet treat a cell as a formula, plus the escape itself.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet; :func:`restore` undoes it exactly.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("'quoted"), neutralise("plain")
    ('\\'=HYPERLINK("http://x")', "''quoted", 'plain')
    """
    if value.startswith((*_FORMULA_START, "'")):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise`."""
    if value.startswith("'") and value[1:].startswith((*_FORMULA_START, "'")):
        return value[1:]
    return value


def entry_row(entry: Entry, meetup: Meetup | None) -> dict:
    """An entry as one flat record: lists joined, times in ISO 8601 UTC."""
    data = entry.to_dict()
    row = {name: data.get(name) for name in ENTRY_COLUMNS}
    for name in LIST_FIELDS:
        row[name] = LIST_SEPARATOR.join(data[name])
    row["redactions"] = json.dumps(entry.redactions, sort_keys=True)
    row["meetup_title"] = meetup.title if meetup else None
    row["meetup_date"] = meetup.date.isoformat() if meetup else None
    row["meetup_host_network"] = meetup.host_network if meetup else None
    return row


def _rows(cb: Casebook, where: EntryFilter | None) -> Iterator[dict]:
    meetups: dict[str, Meetup] = {}
    for entry in iter_entries(cb, where):
        meetup = None
        if entry.meetup_id:
            if entry.meetup_id not in meetups:
                meetups[entry.meetup_id] = get_meetup(cb, entry.meetup_id)
            meetup = meetups[entry.meetup_id]
        yield entry_row(entry, meetup)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def write_csv(rows: Iterable[dict], out: io.TextIOBase, columns: Iterable[str]) -> int:
    columns = list(columns)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        count += 1
    return count


def export_entries(cb: Casebook, fmt: str, out: Path, where: EntryFilter | None = None) -> int:
    """Write matching entries to ``out`` in one of :data:`FORMATS`; returns how many.

    ``datapackage`` writes a folder. Nothing is left half-written: output goes
    to a temporary name first and is moved into place at the end.
    """
    if fmt not in FORMATS:
        raise ValidationError([Problem("format", "unknown",
                                       f"{fmt!r} is not one of: {', '.join(FORMATS)}")])
    out = Path(out)
    if fmt == "datapackage":
        from .datapackage import write_datapackage

        return write_datapackage(cb, out, where)
    partial = out.with_name(out.name + ".partial")
    try:
        if fmt == "csv":
            with partial.open("w", encoding="utf-8-sig", newline="") as handle:
                count = write_csv(_rows(cb, where), handle, ENTRY_COLUMNS)
        elif fmt == "xlsx":
            count = _write_xlsx(_rows(cb, where), partial)
        else:
            count = 0
            with partial.open("w", encoding="utf-8") as handle:
                for row in _rows(cb, where):
                    handle.write(json.dumps(_json_record(row), ensure_ascii=False) + "\n")
                    count += 1
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _json_record(row: dict) -> dict:
    """JSONL keeps lists and objects as JSON rather than joined text."""
    record = dict(row)
    for name in LIST_FIELDS:
        record[name] = row[name].split(LIST_SEPARATOR) if row[name] else []
    record["redactions"] = json.loads(row["redactions"])
    return record


def _write_xlsx(rows: Iterable[dict], path: Path) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("entries")
    sheet.append(list(ENTRY_COLUMNS))
    count = 0
    for row in rows:
        # Every cell is written as text, so no value is ever read as a formula.
        sheet.append([_cell(row.get(c)) for c in ENTRY_COLUMNS])
        count += 1
    book.save(path)
    return count


VOCABULARIES = {"kind": KINDS, "status": STATUSES, "themes": THEMES, "offers": OFFERS,
                "skills": SKILLS, "resources": tuple(KNOWN_RESOURCES)}
