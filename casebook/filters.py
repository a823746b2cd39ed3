"""Which entries a count, search, list or chart is about.

One filter object serves every view, so the CLI, the search box and the
dashboard always agree on what "entries about Security in Leeds last year" means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select

from .errors import Problem, ValidationError
from .schema import entries, entry_labels
from .taxonomy import FACETS, KINDS, STATUSES


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
    _problems: list[Problem] = field(default_factory=list, repr=False, compare=False)

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
        out: list[ColumnElement[bool]] = []
        if not self.include_deleted:
            out.append(c.deleted.is_(False))
        if self.kinds:
            out.append(c.kind.in_(self.kinds))
        if self.services:
            out.append(c.library_service.in_(self.services))
        if self.regions:
            out.append(c.region.in_(self.regions))
        if self.statuses:
            out.append(c.status.in_(self.statuses))
        if self.meetup_id:
            out.append(c.meetup_id == self.meetup_id)
        if self.since:
            out.append(c.created_at >= datetime.combine(self.since, time(), UTC))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), UTC)
            out.append(c.created_at < end)
        labelled_by = (("theme", self.themes), ("offer", self.offers), ("skill", self.skills))
        for facet, values in labelled_by:
            if values:
                labelled = select(entry_labels.c.entry_seq).where(
                    entry_labels.c.facet == facet, entry_labels.c.value.in_(values)
                )
                out.append(c.seq.in_(labelled))
        return out
