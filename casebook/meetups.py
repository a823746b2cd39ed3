"""Network meet-ups: the occasions at which casebook entries are gathered.

Every meet-up that is stored comes through :func:`clean_meetup` and
:func:`meetup_row`: one typed in the app, one read from a write-up, one merged
from another casebook's export and the demo generator's, so they all obey the
same rules and have personal data removed the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, insert, select

from .errors import NotFound, Problem, ValidationError
from .fields import MEETUP, TEXT
from .redaction import redact
from .store import Casebook
from .store.schema import entries, meetups
from .validation import optional_text, required_text, timestamp_text


@dataclass(frozen=True)
class Meetup:
    id: str
    title: str
    date: date
    host_network: str | None
    notes: str | None
    is_demo: bool
    created_at: datetime

    def to_dict(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        data["created_at"] = timestamp_text(self.created_at)
        return data


def _date(value: object, problems: list[Problem]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            problems.append(Problem("date", "format", f"{value!r} is not a date like 2025-03-24",
                                    value))
            return None
    problems.append(Problem("date", "required", "is required (a date like 2025-03-24)"))
    return None


def clean_meetup(data: Mapping) -> dict:
    """A meet-up's fields checked against :data:`casebook.fields.MEETUP` and cleaned, with
    personal data removed from its free text; every problem is raised at once.

    >>> clean_meetup({"title": " Spring meet-up ", "date": "2025-03-24"})["title"]
    'Spring meet-up'
    """
    problems: list[Problem] = []
    cleaned: dict = {}
    for spec in MEETUP.of_type(TEXT):
        if spec.required:
            cleaned[spec.name] = required_text(spec.name, data.get(spec.name), spec.max_length,
                                               problems)
        else:
            cleaned[spec.name] = optional_text(data, spec.name, spec.max_length, problems)
    cleaned["date"] = _date(data.get("date"), problems)
    if problems:
        raise ValidationError(problems)
    # Titles and notes are free text like entries, so personal data is removed the same way.
    for name in ("title", "notes"):
        if cleaned[name]:
            cleaned[name] = redact(cleaned[name]).text
    return cleaned


def meetup_row(cleaned: Mapping, *, meetup_id: str | None = None, is_demo: bool = False,
               created_at: datetime | None = None) -> dict:
    """The ``meetups`` table row for a cleaned meet-up (the demo generator inserts many)."""
    return {"id": meetup_id or str(uuid.uuid4()), "is_demo": is_demo,
            "created_at": created_at or datetime.now(UTC),
            **{name: cleaned[name] for name in ("title", "date", "host_network", "notes")}}


def insert_meetup(conn: Connection, cleaned: Mapping, *, meetup_id: str | None = None,
                  is_demo: bool = False) -> Meetup:
    """Store a cleaned meet-up inside an open write transaction."""
    row = meetup_row(cleaned, meetup_id=meetup_id, is_demo=is_demo)
    conn.execute(insert(meetups).values(**row))
    return Meetup(**row)


def add_meetup(cb: Casebook, *, title: str, date: date | str, host_network: str | None = None,
               notes: str | None = None, is_demo: bool = False) -> Meetup:
    """Record a meet-up and return it with its new UUID."""
    cleaned = clean_meetup({"title": title, "date": date, "host_network": host_network,
                            "notes": notes})
    with cb.write() as conn:
        return insert_meetup(conn, cleaned, is_demo=is_demo)


def meetup_exists(conn: Connection, meetup_id: str) -> bool:
    return conn.execute(select(meetups.c.id).where(meetups.c.id == meetup_id)).first() is not None


def get_meetup(cb: Casebook, meetup_id: str) -> Meetup:
    with cb.read() as conn:
        row = conn.execute(select(meetups).where(meetups.c.id == str(meetup_id))).first()
    if row is None:
        raise NotFound(f"no meet-up has id {meetup_id}")
    return Meetup(**{**row._mapping, "is_demo": bool(row.is_demo)})


def count_meetups(cb: Casebook) -> int:
    with cb.read() as conn:
        return conn.execute(select(func.count()).select_from(meetups)).scalar_one()


def list_meetups(cb: Casebook, *, limit: int = 200) -> list[tuple[Meetup, int]]:
    """Meet-ups, newest first, each with how many (undeleted) entries it holds."""
    counts = (
        select(entries.c.meetup_id, func.count().label("n"))
        .where(entries.c.deleted.is_(False))
        .group_by(entries.c.meetup_id)
        .subquery()
    )
    query = (
        select(meetups, func.coalesce(counts.c.n, 0).label("entry_count"))
        .outerjoin(counts, counts.c.meetup_id == meetups.c.id)
        .order_by(meetups.c.date.desc(), meetups.c.created_at.desc())
        .limit(limit)
    )
    with cb.read() as conn:
        rows = conn.execute(query).all()
    out = []
    for row in rows:
        data = dict(row._mapping)
        n = data.pop("entry_count")
        out.append((Meetup(**{**data, "is_demo": bool(data["is_demo"])}), n))
    return out
