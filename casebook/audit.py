"""The audit trail: who signed in, was refused, exported, downloaded or changed an
account, and when. Rows are only ever added, in the same transaction as what they
record, so a change and its audit row are stored together or not at all.

Details never hold a password, a sign-in link or any text of an entry: only what
an administrator needs to answer "who took what, when" (the filter used and how
many rows, for an export).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from .store import Casebook
from .store.schema import audit_events
from .validation import timestamp_text


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor: str | None
    action: str
    detail: dict

    def to_dict(self) -> dict:
        return {"at": timestamp_text(self.at), "actor": self.actor, "action": self.action,
                "detail": self.detail}


def record(conn: Connection, actor: str | None, action: str, detail: dict, *,
           now: datetime | None = None) -> None:
    """Add one audit row inside the caller's transaction."""
    conn.execute(insert(audit_events).values(at=now or datetime.now(UTC), actor=actor,
                                             action=action, detail=detail))


def log_event(casebook: Casebook, actor: str | None, action: str, detail: dict) -> None:
    """Add one audit row in a transaction of its own (a download, a refused page)."""
    with casebook.write() as conn:
        record(conn, actor, action, detail)


def audit_events_of(casebook: Casebook, *, limit: int = 1000,
                    actor: str | None = None) -> list[AuditEvent]:
    """The newest audit rows first."""
    query = select(audit_events).order_by(audit_events.c.seq.desc()).limit(limit)
    if actor:
        query = query.where(audit_events.c.actor == actor)
    with casebook.read() as conn:
        return [AuditEvent(r.at, r.actor, r.action, dict(r.detail)) for r in conn.execute(query)]
