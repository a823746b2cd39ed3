"""Frictionless data packages: a folder of CSV files described by ``datapackage.json``.

Entries, meet-ups and each kind of label are separate resources joined by
keys, with Table Schema types and the taxonomy as enums, so that
``frictionless validate`` can check a package and other tools can load it
without knowing this software.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..entries import iter_entries
from ..errors import CasebookError
from ..filters import EntryFilter
from ..meetups import get_meetup
from ..store import Casebook
from .flat import VOCABULARIES, neutralise, write_csv

UUID_FIELD = {"type": "string", "format": "uuid"}
ENTRY_FIELDS = [
    {"name": "id", **UUID_FIELD, "constraints": {"required": True, "unique": True}},
    {"name": "kind", "type": "string", "constraints": {"required": True,
                                                        "enum": list(VOCABULARIES["kind"])}},
    {"name": "title", "type": "string", "constraints": {"maxLength": 200}},
    {"name": "text", "type": "string", "constraints": {"required": True, "maxLength": 10_000}},
    {"name": "library_service", "type": "string"},
    {"name": "region", "type": "string"},
    {"name": "meetup_id", **UUID_FIELD},
    {"name": "created_by", "type": "string"},
    {"name": "status", "type": "string", "constraints": {"required": True,
                                                          "enum": list(VOCABULARIES["status"])}},
    {"name": "deleted", "type": "boolean"},
    {"name": "is_demo", "type": "boolean"},
    {"name": "created_at", "type": "datetime", "format": "any"},
    {"name": "updated_at", "type": "datetime", "format": "any"},
    {"name": "redactions", "type": "object",
     "description": "Kinds of personal data removed before storing, with counts"},
]
MEETUP_FIELDS = [
    {"name": "id", **UUID_FIELD, "constraints": {"required": True, "unique": True}},
    {"name": "title", "type": "string", "constraints": {"required": True}},
    {"name": "date", "type": "date", "constraints": {"required": True}},
    {"name": "host_network", "type": "string"},
    {"name": "notes", "type": "string"},
    {"name": "is_demo", "type": "boolean"},
]
# One resource per multi-valued field: (resource name, column, entry field).
LABEL_RESOURCES = [("entry_themes", "theme", "themes"), ("entry_offers", "offer", "offers"),
                   ("entry_skills", "skill", "skills"),
                   ("entry_resources", "resource", "resources")]
NOTE = ("Text cells that begin with = + - @ ' or a tab are prefixed with an apostrophe so "
        "spreadsheets never run them as formulas; casebook import removes it.")


def descriptor() -> dict:
    resources = [
        _resource("entries", ENTRY_FIELDS, ["id"],
                  [{"fields": "meetup_id", "reference": {"resource": "meetups", "fields": "id"}}]),
        _resource("meetups", MEETUP_FIELDS, ["id"], []),
    ]
    for name, column, field in LABEL_RESOURCES:
        fields = [{"name": "entry_id", **UUID_FIELD, "constraints": {"required": True}},
                  {"name": column, "type": "string",
                   "constraints": {"required": True, "enum": list(VOCABULARIES[field])}}]
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

        count = write_csv(entry_rows(), handles["entries"], [f["name"] for f in ENTRY_FIELDS])
        meetups = (get_meetup(cb, m).to_dict() for m in meetup_ids)
        write_csv(meetups, handles["meetups"], [f["name"] for f in MEETUP_FIELDS])
        return count
    finally:
        for handle in handles.values():
            handle.close()
