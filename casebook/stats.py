"""Counts grouped in SQL, for dashboards and reports: never a row per entry in Python."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from .filters import EntryFilter
from .schema import entries, entry_labels
from .store import Casebook


@dataclass(frozen=True)
class MonthCount:
    month: str  # "YYYY-MM", UTC
    label: str
    count: int


def month_of(dialect: str, column=entries.c.created_at) -> ColumnElement[str]:
    """The UTC calendar month of a timestamp column, as ``YYYY-MM`` text."""
    if dialect == "sqlite":
        # Stored as naive UTC text "YYYY-MM-DD HH:MM:SS", so the month is its prefix.
        return func.substr(column, 1, 7)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def label_source(facet: str, where: EntryFilter):
    """Where to count one facet's labels from, and the conditions.

    Label rows carry copies of their entry's month, kind, service, region,
    date and deleted flag, so a filter on those alone reads the label rows
    through one covering index. A filter on labels or status selects few
    entries, and is fastest driven from them, through the join.
    """
    if where.on_copied_fields_only:
        return entry_labels, where.label_clauses(facet)
    joined = entries.join(entry_labels, entry_labels.c.entry_seq == entries.c.seq)
    return joined, [entry_labels.c.facet == facet, *where.clauses()]


def label_counts_by_month(cb: Casebook, facet: str = "theme",
                          where: EntryFilter | None = None) -> list[MonthCount]:
    """How many matching entries carry each label of a facet, month by month.

    An entry with two themes counts once under each. Months with no entries
    for a label are absent, not zero.
    """
    where = where or EntryFilter()
    labels = entry_labels.c
    source, clauses = label_source(facet, where)
    query = (
        select(labels.month, labels.value, func.count().label("n"))
        .select_from(source).where(*clauses)
        .group_by(labels.month, labels.value)
        .order_by(labels.month, labels.value)
    )
    with cb.read() as conn:
        return [MonthCount(r.month, r.value, r.n) for r in conn.execute(query)]
