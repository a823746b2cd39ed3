"""Writing matching entries to a file in any of the exchange formats.

Nothing is left half-written: output goes to a temporary name first and is
moved into place at the end.
"""

from __future__ import annotations

from pathlib import Path

from ..audit import log_event
from ..errors import Problem, ValidationError
from ..filters import EntryFilter, filter_summary
from ..store import Casebook
from .datapackage import write_datapackage
from .flat import write_entries_csv, write_entries_jsonl, write_entries_xlsx

_WRITERS = {"csv": write_entries_csv, "xlsx": write_entries_xlsx, "jsonl": write_entries_jsonl}
FORMATS = (*_WRITERS, "datapackage")


def export_entries(cb: Casebook, fmt: str, out: Path, where: EntryFilter | None = None, *,
                   by: str | None = None, via: str = "command line") -> int:
    """Write matching entries to ``out`` in one of :data:`FORMATS`; returns how many.

    ``datapackage`` writes a folder. Each export is recorded in the audit trail:
    who (``by``), from where (``via``), the format, the filter and how many rows.
    """
    if fmt not in FORMATS:
        raise ValidationError([Problem("format", "unknown",
                                       f"{fmt!r} is not one of: {', '.join(FORMATS)}")])
    out = Path(out)
    if fmt == "datapackage":
        count = write_datapackage(cb, out, where)
    else:
        partial = out.with_name(out.name + ".partial")
        try:
            count = _WRITERS[fmt](cb, where, partial)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    log_event(cb, by, "export", {"format": fmt, "rows": count, "via": via,
                                 "filter": filter_summary(where or EntryFilter())})
    return count
