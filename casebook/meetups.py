"""Network meet-ups: the occasions at which casebook entries are gathered."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

from .errors import NotFound, Problem, ValidationError
from .redaction import redact
from .store import Casebook
from .store.schema import entries, meetups
from .validation import TITLE_MAX, check_control, required_text


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
        data["created_at"] = self.created_at.isoformat().replace("+00:00", "Z")
        return data


def _clean(title: object, when: object, host_network: object, notes: object) -> dict:
    problems: list[Problem] = []
    title = required_text("title", title, TITLE_MAX, problems)
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when.strip())
        except ValueError:
            problems.append(Problem("date", "format", f"{when!r} is not a date like 2025-03-24"))
    elif isinstance(when, datetime):
        when = when.date()
    elif not isinstance(when, date):
        problems.append(Problem("date", "required", "is required (a date like 2025-03-24)"))
    for name, value in (("host_network", host_network), ("notes", notes)):
        if value is not None:
            check_control(name, str(value), problems)
    if problems:
        raise ValidationError(problems)
    # Meet-up notes are free text like entries, so personal data is removed the same way.
    notes = redact((notes or "").strip()).text or None
    return {
        "title": redact(title).text,
        "date": when,
        "host_network": (host_network or "").strip() or None,
        "notes": notes,
    }


def add_meetup(cb: Casebook, *, title: str, date: date | str, host_network: str | None = None,
               notes: str | None = None, is_demo: bool = False) -> Meetup:
    """Record a meet-up and return it with its new UUID."""
    values = _clean(title, date, host_network, notes)
    meetup_id = str(uuid.uuid4())
    with cb.write() as conn:
        conn.execute(
            insert(meetups).values(
                id=meetup_id, is_demo=is_demo, created_at=datetime.now(UTC), **values
            )
        )
    return get_meetup(cb, meetup_id)


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
