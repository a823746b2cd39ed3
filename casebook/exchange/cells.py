"""Cells that are safe in a spreadsheet and come back exactly as they went out.

CSV and XLSX cells that a spreadsheet would run as a formula are neutralised
with a leading apostrophe (OWASP's advice on CSV injection). The step is
reversible, so importing a file gives back exactly what was exported. Lists
(themes, offers, ...) travel as one cell, joined by ``"; "``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

LIST_SEPARATOR = "; "
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


def cell(value) -> str:
    """One value as the text of a safe cell: empty for nothing, ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def split_list(value: str | None) -> list[str]:
    """A list cell back into its items (``"Capacity; Security"``)."""
    return [v.strip() for v in value.split(LIST_SEPARATOR.strip())] if value else []


def flag(value) -> bool:
    """A true/false cell, as this software or a spreadsheet writes one."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def write_csv(rows: Iterable[dict], out: io.TextIOBase, columns: Iterable[str]) -> int:
    """Write rows as CSV with safe cells; returns how many rows."""
    columns = list(columns)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
        count += 1
    return count


def read_csv(handle: io.TextIOBase) -> Iterator[dict]:
    """Rows of a CSV written by :func:`write_csv`, cells restored, empty cells as None."""
    for raw in csv.DictReader(handle):
        yield {k: (restore(v) if v else None) for k, v in raw.items() if k}
