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


def label_counts_by_month(cb: Casebook, facet: str = "theme",
                          where: EntryFilter | None = None) -> list[MonthCount]:
    """How many matching entries carry each label of a facet, month by month.

    An entry with two themes counts once under each. Months with no entries
    for a label are absent, not zero.
    """
    where = where or EntryFilter()
    month = month_of(cb.dialect).label("month")
    query = (
        select(month, entry_labels.c.value, func.count().label("n"))
        .select_from(entries.join(entry_labels, entry_labels.c.entry_seq == entries.c.seq))
        .where(entry_labels.c.facet == facet, *where.clauses())
        .group_by(month, entry_labels.c.value)
        .order_by(month, entry_labels.c.value)
    )
    with cb.read() as conn:
        return [MonthCount(r.month, r.value, r.n) for r in conn.execute(query)]
