"""A learner's rights over their training record (UK GDPR): to see everything held
about them, to be forgotten, and to have old records not kept with their name.

Forgetting keeps the history (how many attempts, which scenarios, which choices,
passed or not: the trainers' and managers' figures stay true) but removes the
name: every attempt of that learner is given the name :data:`ANONYMISED`. The
audit row says how many attempts were anonymised and by whom, never whose.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from ..accounts import get_account
from ..audit import audit_events_of, record
from ..errors import CasebookError, NotFound
from ..store import Casebook
from ..store.schema import attempts
from ..validation import timestamp_text
from .attempts import get_attempt

ANONYMISED = "(anonymised)"
DAYS_PER_MONTH = 30.44  # an average month: "older than N months" need not be exact


def _normal(name: str) -> str:
    return " ".join((name or "").split()).lower()


def _matching(conn, name: str):
    """A condition for this learner's attempts, whatever the case and spacing typed
    ("Ann  Lee " is Ann Lee). Names are compared in Python: there are a few hundred."""
    wanted = _normal(name)
    if not wanted or wanted == ANONYMISED:
        raise CasebookError("give the learner's name as they typed it, or their sign-in name")
    names = [n for (n,) in conn.execute(select(attempts.c.learner).distinct())
             if _normal(n) == wanted]
    return attempts.c.learner.in_(names)


def export_learner(casebook: Casebook, name: str) -> dict:
    """Everything held about a learner: their account (no secrets), every attempt with
    every step, and the audit rows naming them."""
    with casebook.read() as conn:
        ids = [r.id for r in conn.execute(select(attempts.c.id).where(_matching(conn, name))
                                          .order_by(attempts.c.started_at))]
    try:
        account = get_account(casebook, name)
    except (NotFound, CasebookError):
        account = None
    events = [e.to_dict() for e in audit_events_of(casebook, limit=100_000,
                                                   actor=name.strip().lower())]
    if not ids and account is None and not events:
        raise NotFound(f"nothing is held about a learner called {name!r}")
    return {
        "learner": " ".join(name.split()),  # as asked for
        "exported_at": timestamp_text(datetime.now(UTC)),
        "account": account and {
            "name": account.name, "display_name": account.display_name,
            "library_service": account.library_service, "roles": list(account.roles),
            "disabled": account.disabled, "created_at": timestamp_text(account.created_at)},
        "attempts": [get_attempt(casebook, i).to_dict(steps=True) for i in ids],
        "audit": events,
    }


def forget_learner(casebook: Casebook, name: str, *, by: str | None = None) -> int:
    """Anonymise every attempt of this learner; returns how many."""
    with casebook.write() as conn:
        done = conn.execute(update(attempts).where(_matching(conn, name))
                            .values(learner=ANONYMISED)).rowcount
        if done == 0:
            raise NotFound(f"there are no training attempts by a learner called {name!r}")
        record(conn, by, "learner forgotten", {"attempts": done})
    return done


def anonymise_older_attempts(casebook: Casebook, months: int, *, by: str | None = None,
                             now: datetime | None = None) -> int:
    """Anonymise every attempt started more than ``months`` months ago; returns how many."""
    if not 1 <= months <= 1200:
        raise CasebookError(f"--attempts-months is {months}; expected 1 to 1200")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=months * DAYS_PER_MONTH)
    with casebook.write() as conn:
        done = conn.execute(update(attempts).where(
            attempts.c.started_at < cutoff, attempts.c.learner != ANONYMISED)
            .values(learner=ANONYMISED)).rowcount
        record(conn, by, "retention applied", {"attempts_months": months, "attempts": done})
    return done
