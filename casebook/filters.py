"""Which entries a count, search, list or chart is about.

One filter object serves every view, so the CLI, the search box and the
dashboard always agree on what "entries about Security in Leeds last year" means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select

from .errors import Problem, ValidationError
from .store.schema import entries, entry_labels
from .taxonomy import FACETS, KINDS, STATUSES


def day_bounds(column, since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """A timestamp column within whole UTC days, both ends included."""
    bounds = []
    if since:
        bounds.append(column >= datetime.combine(since, time(), UTC))
    if until:
        bounds.append(column < datetime.combine(until + timedelta(days=1), time(), UTC))
    return bounds


def _tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class EntryFilter:
    """Entries matching every given field; within a field, any of its values.

    ``since`` and ``until`` are inclusive dates (UTC) on ``created_at``.
    Soft-deleted entries are left out unless ``include_deleted`` is set.

    >>> EntryFilter(themes="Security").themes
    ('Security',)
    """

    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    meetup_id: str | None = None
    since: date | None = None
    until: date | None = None
    include_deleted: bool = False

    def __post_init__(self):
        for f in fields(self):
            if f.name in ("kinds", "themes", "offers", "skills", "services", "regions", "statuses"):
                object.__setattr__(self, f.name, _tuple(getattr(self, f.name)))
        problems: list[Problem] = []
        vocabularies = {
            "kinds": KINDS,
            "themes": FACETS["theme"],
            "offers": FACETS["offer"],
            "skills": FACETS["skill"],
            "statuses": STATUSES,
        }
        for name, allowed in vocabularies.items():
            for value in getattr(self, name):
                if value not in allowed:
                    problems.append(
                        Problem(
                            name.rstrip("s"),
                            "unknown",
                            f"{value!r} is not one of: {', '.join(allowed)}",
                            value,
                        )
                    )
        if self.since and self.until and self.since > self.until:
            problems.append(
                Problem("since", "range", f"{self.since} is after the end date {self.until}")
            )
        if problems:
            raise ValidationError(problems)

    def clauses(self) -> list[ColumnElement[bool]]:
        """SQL conditions on the ``entries`` table, to add to any select."""
        c = entries.c
        out = self._copied_field_clauses(c)
        if self.statuses:
            out.append(c.status.in_(self.statuses))
        if self.meetup_id:
            out.append(c.meetup_id == self.meetup_id)
        labelled_by = (("theme", self.themes), ("offer", self.offers), ("skill", self.skills))
        for facet, values in labelled_by:
            if values:
                labelled = select(entry_labels.c.entry_seq).where(
                    entry_labels.c.facet == facet, entry_labels.c.value.in_(values)
                )
                out.append(c.seq.in_(labelled))
        return out

    def _copied_field_clauses(self, c) -> list[ColumnElement[bool]]:
        """Conditions on the fields an entry shares with its label rows (same names on
        both tables): deleted, kind, service, region and the date range as whole UTC days."""
        out: list[ColumnElement[bool]] = []
        if not self.include_deleted:
            out.append(c.deleted.is_(False))
        if self.kinds:
            out.append(c.kind.in_(self.kinds))
        if self.services:
            out.append(c.library_service.in_(self.services))
        if self.regions:
            out.append(c.region.in_(self.regions))
        return out + day_bounds(c.created_at, self.since, self.until)

    @property
    def on_copied_fields_only(self) -> bool:
        """Whether label rows alone can answer this filter (see schema.entry_labels)."""
        return not (self.themes or self.offers or self.skills or self.statuses
                    or self.meetup_id)

    def label_clauses(self, facet: str) -> list[ColumnElement[bool]]:
        """Conditions on the ``entry_labels`` rows of one facet, for a filter that
        :attr:`on_copied_fields_only`: no join with entries is needed."""
        if not self.on_copied_fields_only:
            raise ValueError("this filter needs the entries table; use clauses()")
        c = entry_labels.c
        out = [c.facet == facet, *self._copied_field_clauses(c)]
        if self.since:  # lets the index narrow by month before the exact test
            out.append(c.month >= f"{self.since:%Y-%m}")
        if self.until:
            out.append(c.month <= f"{self.until:%Y-%m}")
        return out


def filter_summary(where: EntryFilter) -> dict:
    """The fields of a filter that are set, JSON-ready (for the audit trail).

    >>> filter_summary(EntryFilter(themes="Security", since=date(2025, 1, 1)))
    {'themes': ['Security'], 'since': '2025-01-01'}
    """
    summary = {}
    for f in fields(where):
        value = getattr(where, f.name)
        if value == f.default:
            continue
        summary[f.name] = (list(value) if isinstance(value, tuple) else
                           value.isoformat() if isinstance(value, date) else value)
    return summary
