"""Entries as flat files, read and written side by side: CSV and XLSX for people,
JSONL for other casebooks and tools.

Every format carries everything needed to merge the entries into another
casebook: the UUID, the timestamps and the meet-up each came from. The columns
derive from :data:`casebook.fields.ENTRY`, with the meet-up's title, date and
host network after its id, so a file read on its own still says where each
entry was logged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..entries import Entry, iter_entries
from ..errors import Problem
from ..fields import ENTRY, LABELS
from ..filters import EntryFilter
from ..meetups import Meetup, get_meetup
from ..store import Casebook
from .cells import LIST_SEPARATOR, cell, read_csv, split_list, write_csv

LIST_FIELDS = tuple(f.name for f in ENTRY.of_type(LABELS))
MEETUP_COLUMNS = ("meetup_title", "meetup_date", "meetup_host_network")
ENTRY_COLUMNS = tuple(
    name for f in ENTRY.exported()
    for name in ((f.name, *MEETUP_COLUMNS) if f.name == "meetup_id" else (f.name,)))


@dataclass
class Record:
    """One entry read from a file: its row number, its fields, and its meet-up if the
    file describes it (title, date, host network)."""

    row: int
    data: dict
    meetup: dict | None


def entry_row(entry: Entry, meetup: Meetup | None) -> dict:
    """An entry as one flat record: lists joined, times in RFC 3339 UTC."""
    data = entry.to_dict()
    row = {name: data.get(name) for name in ENTRY_COLUMNS}
    for name in LIST_FIELDS:
        row[name] = LIST_SEPARATOR.join(data[name])
    row["redactions"] = json.dumps(entry.redactions, sort_keys=True)
    row["meetup_title"] = meetup.title if meetup else None
    row["meetup_date"] = meetup.date.isoformat() if meetup else None
    row["meetup_host_network"] = meetup.host_network if meetup else None
    return row


def entry_rows(cb: Casebook, where: EntryFilter | None) -> Iterator[dict]:
    meetups: dict[str, Meetup] = {}
    for entry in iter_entries(cb, where):
        meetup = None
        if entry.meetup_id:
            if entry.meetup_id not in meetups:
                meetups[entry.meetup_id] = get_meetup(cb, entry.meetup_id)
            meetup = meetups[entry.meetup_id]
        yield entry_row(entry, meetup)


def write_entries_csv(cb: Casebook, where: EntryFilter | None, path: Path) -> int:
    # utf-8-sig: Excel reads a file without the BOM as the PC's own code page.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return write_csv(entry_rows(cb, where), handle, ENTRY_COLUMNS)


def write_entries_xlsx(cb: Casebook, where: EntryFilter | None, path: Path) -> int:
    from openpyxl import Workbook  # a second's import, for this format only

    book = Workbook(write_only=True)
    sheet = book.create_sheet("entries")
    sheet.append(list(ENTRY_COLUMNS))
    count = 0
    for row in entry_rows(cb, where):
        # Every cell is written as text, so no value is ever read as a formula.
        sheet.append([cell(row.get(c)) for c in ENTRY_COLUMNS])
        count += 1
    book.save(path)
    return count


def write_entries_jsonl(cb: Casebook, where: EntryFilter | None, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in entry_rows(cb, where):
            handle.write(json.dumps(_json_record(row), ensure_ascii=False) + "\n")
            count += 1
    return count


def _json_record(row: dict) -> dict:
    """JSONL keeps lists and objects as JSON rather than joined text."""
    record = dict(row)
    for name in LIST_FIELDS:
        record[name] = split_list(row[name])
    record["redactions"] = json.loads(row["redactions"])
    return record


def _described_meetup(row: dict) -> dict | None:
    if row.get("meetup_id") and row.get("meetup_title"):
        return {"id": row["meetup_id"], "title": row["meetup_title"],
                "date": row.get("meetup_date"), "host_network": row.get("meetup_host_network")}
    return None


def read_entries_csv(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        for number, row in enumerate(read_csv(handle), start=2):
            for name in LIST_FIELDS:
                row[name] = split_list(row.get(name))
            yield Record(number, row, _described_meetup(row))


def read_entries_jsonl(path: Path, problems: list[Problem]) -> Iterator[Record]:
    """Records of a JSONL file; a line that is not a JSON object goes to ``problems``."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem("line", "json", f"not valid JSON: {exc.msg}",
                                        row=number))
                continue
            if not isinstance(row, dict):
                problems.append(Problem("line", "type", "expected a JSON object", row=number))
                continue
            yield Record(number, row, _described_meetup(row))
