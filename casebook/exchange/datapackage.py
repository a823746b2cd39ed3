"""Frictionless data packages, written and read: a folder of CSV files described by
``datapackage.json``.

Entries, meet-ups and each kind of label are separate resources joined by
keys, with Table Schema types and the vocabularies as enums (all derived from
:mod:`casebook.fields`), so that ``frictionless validate`` can check a package
and other tools can load it without knowing this software.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..entries import iter_entries
from ..errors import CasebookError
from ..fields import (
    BOOLEAN,
    CHOICE,
    COUNTS,
    DATE,
    DATETIME,
    ENTRY,
    LABELS,
    MEETUP,
    TEXT,
    UUID,
    Field,
    Fields,
)
from ..filters import EntryFilter
from ..meetups import get_meetup
from ..store import Casebook
from .cells import neutralise, read_csv, write_csv
from .flat import Record

_TABLE_TYPES = {TEXT: "string", CHOICE: "string", UUID: "string", DATE: "date",
                DATETIME: "datetime", BOOLEAN: "boolean", COUNTS: "object"}
NOTE = ("Text cells that begin with = + - @ ' or a tab are prefixed with an apostrophe so "
        "spreadsheets never run them as formulas; casebook import removes it.")


def table_field(field: Field) -> dict:
    """A field's Table Schema description."""
    out: dict = {"name": field.name, "type": _TABLE_TYPES[field.type], "title": field.label}
    if field.type == UUID:
        out["format"] = "uuid"
    if field.type == DATETIME:
        out["format"] = "any"
    if field.description:
        out["description"] = field.description
    constraints: dict = {}
    if field.required or field.default is not None or field.name == "id":
        constraints["required"] = True
    if field.name == "id":
        constraints["unique"] = True
    if field.max_length:
        constraints["maxLength"] = field.max_length
    if field.type == CHOICE:
        constraints["enum"] = list(field.vocabulary)
    if constraints:
        out["constraints"] = constraints
    return out


def _columns(fields: Fields) -> list[Field]:
    return [f for f in fields.exported() if f.type != LABELS]


# One resource per labels field: (resource name, its value column, entry field).
LABEL_RESOURCES = [(f"entry_{f.name}", f.facet, f.name) for f in ENTRY.of_type(LABELS)]


def descriptor() -> dict:
    resources = [
        _resource("entries", [table_field(f) for f in _columns(ENTRY)], ["id"],
                  [{"fields": "meetup_id", "reference": {"resource": "meetups", "fields": "id"}}]),
        _resource("meetups", [table_field(f) for f in _columns(MEETUP)], ["id"], []),
    ]
    for name, column, field_name in LABEL_RESOURCES:
        fields = [{"name": "entry_id", "type": "string", "format": "uuid",
                   "constraints": {"required": True}},
                  {"name": column, "type": "string", "title": ENTRY[field_name].label,
                   "constraints": {"required": True,
                                   "enum": list(ENTRY[field_name].vocabulary)}}]
        resources.append(_resource(
            name, fields, ["entry_id", column],
            [{"fields": "entry_id", "reference": {"resource": "entries", "fields": "id"}}]))
    return {"profile": "tabular-data-package", "name": "library-casebook",
            "title": "Library digital-inclusion casebook", "description": NOTE,
            "resources": resources}


def _resource(name: str, fields: list, key: list, foreign: list) -> dict:
    schema = {"fields": fields, "primaryKey": key}
    if foreign:
        schema["foreignKeys"] = foreign
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema}


def write_datapackage(cb: Casebook, out: Path, where: EntryFilter | None = None) -> int:
    """Write the package folder; an existing package there is replaced, anything else refused."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                               and not (out / "datapackage.json").exists())):
        raise CasebookError(f"{out} exists and is not a data package; choose another --out")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        count = _write_resources(cb, partial, where)
        (partial / "datapackage.json").write_text(json.dumps(descriptor(), indent=2) + "\n",
                                                  encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return count


def _write_resources(cb: Casebook, folder: Path, where: EntryFilter | None) -> int:
    names = ["entries", "meetups", *(r[0] for r in LABEL_RESOURCES)]
    handles = {n: (folder / f"{n}.csv").open("w", encoding="utf-8", newline="") for n in names}
    try:
        # Label rows are written as each entry goes by, never held in memory.
        label_writers = {}
        for name, column, _ in LABEL_RESOURCES:
            label_writers[name] = csv.writer(handles[name], lineterminator="\r\n")
            label_writers[name].writerow(["entry_id", column])
        meetup_ids: dict[str, None] = {}

        def entry_rows() -> Iterator[dict]:
            for entry in iter_entries(cb, where):
                row = entry.to_dict()
                row["redactions"] = json.dumps(entry.redactions, sort_keys=True)
                if entry.meetup_id:
                    meetup_ids[entry.meetup_id] = None
                for name, _, field in LABEL_RESOURCES:
                    for value in getattr(entry, field):
                        label_writers[name].writerow([entry.id, neutralise(value)])
                yield row

        count = write_csv(entry_rows(), handles["entries"], [f.name for f in _columns(ENTRY)])
        meetups = (get_meetup(cb, m).to_dict() for m in meetup_ids)
        write_csv(meetups, handles["meetups"], [f.name for f in _columns(MEETUP)])
        return count
    finally:
        for handle in handles.values():
            handle.close()


def read_datapackage(folder: Path) -> Iterator[Record]:
    """The entries of a package folder, each with its labels and its meet-up."""
    if not (folder / "datapackage.json").exists():
        raise CasebookError(f"{folder} has no datapackage.json")

    def rows(name: str) -> Iterator[dict]:
        path = folder / f"{name}.csv"
        if not path.exists():
            return
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from read_csv(handle)

    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, column, field_name in LABEL_RESOURCES:
        for row in rows(name):
            labels[row["entry_id"]][field_name].append(row[column])
    known_meetups = {row["id"]: row for row in rows("meetups")}
    for number, row in enumerate(rows("entries"), start=2):
        for _, _, field_name in LABEL_RESOURCES:
            row[field_name] = labels[row.get("id")][field_name] if row.get("id") else []
        yield Record(number, row, known_meetups.get(row.get("meetup_id") or ""))
