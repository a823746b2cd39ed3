"""Accounts: the people who may sign in, what they may do, and how they prove it.

Each account has a sign-in name, a display name, a library service, one or more
roles (see :data:`ROLES`) and a disabled flag. A password is stored only as an
Argon2 hash. A new or reset account gets a one-time sign-in link instead of a
password typed by someone else: the link's secret is shown once, stored only as
a SHA-256 hash, stops working after :data:`LINK_HOURS` hours, and is spent when
the person sets their own password with it.

Failed sign-ins are counted; after :data:`LOCK_AFTER` in a row the account is
locked for :data:`LOCK_MINUTES` minutes, and the server waits a little longer
after each failure (:func:`delay_after`), so guessing is slow. The messages never
say whether a name exists: "That name and password do not match".

Every change to an account is written to the audit trail (:mod:`casebook.audit`)
in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, insert, select, update

from .audit import record
from .errors import CasebookError, NotFound
from .store import Casebook
from .store.schema import accounts

# What each role may do; a person may have several.
ROLES: dict[str, str] = {
    "learner": "Training: play scenarios, see your own attempts and certificates",
    "facilitator": "Meet-up capture: create meet-ups, edit and delete takeaways you or your "
                   "library service logged",
    "trainer": "Training sessions, and the attempts of learners within them",
    "manager": "The dashboard and exports, read-only",
    "admin": "Accounts: add, disable and reset them; see the audit trail",
}
LINK_HOURS = 24
LOCK_AFTER = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10  # NCSC: length beats complexity rules; three random words pass easily
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_HASHER = PasswordHasher()


class SignInRefused(CasebookError):
    """A sign-in did not succeed; the message is safe to show as it is."""


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    display_name: str
    library_service: str | None
    roles: tuple[str, ...]
    disabled: bool
    has_password: bool
    created_at: datetime

    def may(self, role: str) -> bool:
        return not self.disabled and role in self.roles


def delay_after(failures: int) -> float:
    """Seconds the server waits before answering a failed sign-in: longer each time.

    >>> [delay_after(n) for n in (1, 2, 3, 4, 5, 9)]
    [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    """
    return min(0.5 * 2 ** max(failures - 1, 0), 4.0)


def clean_name(name: str) -> str:
    """A sign-in name as stored: trimmed, lower case, checked."""
    cleaned = (name or "").strip().lower()
    if not _NAME.match(cleaned):
        raise CasebookError(f"{name!r} cannot be a sign-in name: use 2 to 63 letters, digits, "
                            "dots, dashes or underscores, starting with a letter or digit, "
                            "such as 'priya.shah'")
    return cleaned


def _roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise CasebookError(f"{', '.join(unknown) or 'no role'} is not a role: expected one or "
                            f"more of {', '.join(ROLES)}")
    return sorted(set(roles), key=list(ROLES).index)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise CasebookError(f"that password is too short: use at least {MIN_PASSWORD} "
                            "characters (three random words are easy to remember)")
    if len(password) > 1024:
        raise CasebookError("that password is too long: use at most 1,024 characters")


def _link_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _account(row) -> Account:
    return Account(row.id, row.name, row.display_name, row.library_service, tuple(row.roles),
                   bool(row.disabled), row.password_hash is not None, row.created_at)


def _get(conn: Connection, name: str):
    row = conn.execute(select(accounts).where(accounts.c.name == name.strip().lower())).first()
    if row is None:
        raise NotFound(f"there is no account called {name!r}")
    return row


def add_account(casebook: Casebook, name: str, roles: list[str], *, service: str | None = None,
                display_name: str | None = None, password: str | None = None,
                by: str | None = None, now: datetime | None = None) -> tuple[Account, str | None]:
    """Make an account. Returns it and, when no password was given, the secret of its
    one-time sign-in link (shown once; only its hash is kept)."""
    name, roles = clean_name(name), _roles(roles)
    if password is not None:
        _check_password(password)
    service = (service or "").strip() or None
    display = " ".join((display_name or name).split())[:200]
    now = now or datetime.now(UTC)
    secret = None if password is not None else secrets.token_urlsafe(24)
    with casebook.write() as conn:
        if conn.execute(select(accounts.c.id).where(accounts.c.name == name)).first():
            raise CasebookError(f"there is already an account called {name!r}")
        conn.execute(insert(accounts).values(
            id=str(uuid.uuid4()), name=name, display_name=display, library_service=service,
            roles=roles, disabled=False,
            password_hash=_HASHER.hash(password) if password is not None else None,
            link_hash=_link_hash(secret) if secret else None,
            link_expires_at=now + timedelta(hours=LINK_HOURS) if secret else None,
            failed_sign_ins=0, created_at=now, updated_at=now))
        record(conn, by, "account added", {"account": name, "roles": roles, "service": service},
               now=now)
        account = _account(_get(conn, name))
    return account, secret


def list_accounts(casebook: Casebook) -> list[Account]:
    with casebook.read() as conn:
        return [_account(r) for r in conn.execute(select(accounts).order_by(accounts.c.name))]


def get_account(casebook: Casebook, name: str) -> Account:
    with casebook.read() as conn:
        return _account(_get(conn, name))


def account_by_id(casebook: Casebook, account_id: str) -> Account | None:
    """The account with this id (a session cookie holds it), or None if it is gone."""
    with casebook.read() as conn:
        row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    return _account(row) if row else None


def has_admin(casebook: Casebook) -> bool:
    """Whether any account that is not disabled may manage accounts."""
    return any(a.may("admin") for a in list_accounts(casebook))


def set_disabled(casebook: Casebook, name: str, disabled: bool = True, *,
                 by: str | None = None) -> Account:
    """Stop (or allow again) an account signing in; its records stay as they are."""
    now = datetime.now(UTC)
    with casebook.write() as conn:
        row = _get(conn, name)
        conn.execute(update(accounts).where(accounts.c.id == row.id).values(
            disabled=disabled, updated_at=now))
        record(conn, by, "account disabled" if disabled else "account enabled",
               {"account": row.name}, now=now)
        return _account(_get(conn, row.name))


def reset_account(casebook: Casebook, name: str, *, by: str | None = None,
                  now: datetime | None = None) -> str:
    """Forget the password and unlock; returns the secret of a new one-time link."""
    now = now or datetime.now(UTC)
    secret = secrets.token_urlsafe(24)
    with casebook.write() as conn:
        row = _get(conn, name)
        conn.execute(update(accounts).where(accounts.c.id == row.id).values(
            password_hash=None, link_hash=_link_hash(secret),
            link_expires_at=now + timedelta(hours=LINK_HOURS), failed_sign_ins=0,
            locked_until=None, updated_at=now))
        record(conn, by, "account reset", {"account": row.name}, now=now)
    return secret


def sign_in(casebook: Casebook, name: str, password: str, *,
            now: datetime | None = None) -> Account:
    """The account whose name and password these are, or :class:`SignInRefused`.

    A wrong password counts towards the lock; a right one clears the count. The
    count and the audit row are stored before the refusal is raised.
    """
    now = now or datetime.now(UTC)
    with casebook.write() as conn:
        outcome = _sign_in(conn, (name or "").strip().lower(), password, now)
    if isinstance(outcome, SignInRefused):
        raise outcome
    return outcome


def _sign_in(conn: Connection, name: str, password: str,
             now: datetime) -> Account | SignInRefused:
    refused = SignInRefused("That name and password do not match. Check them and try again.")
    row = conn.execute(select(accounts).where(accounts.c.name == name)).first()
    if row is None:
        _HASHER.hash(password or "-")  # as slow as a real check: names stay secret
        record(conn, None, "sign-in refused", {"account": name[:100], "why": "no such account"},
               now=now)
        return refused
    if row.locked_until is not None and row.locked_until > now:
        record(conn, row.name, "sign-in refused", {"why": "locked"}, now=now)
        minutes = max(1, round((row.locked_until - now).total_seconds() / 60))
        return SignInRefused(f"Too many wrong passwords: this account is locked for {minutes} "
                             f"more minute{'s' if minutes != 1 else ''}. Try again then, or "
                             "ask your administrator to reset it.")
    if not _matches(row.password_hash, password):
        failures = row.failed_sign_ins + 1
        locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER else None
        conn.execute(update(accounts).where(accounts.c.id == row.id).values(
            failed_sign_ins=0 if locked else failures, locked_until=locked))
        record(conn, row.name, "sign-in refused",
               {"why": "wrong password", "locked": locked is not None}, now=now)
        return refused
    if row.disabled:
        record(conn, row.name, "sign-in refused", {"why": "disabled"}, now=now)
        return SignInRefused("This account has been switched off. Ask your administrator if "
                             "you need it again.")
    conn.execute(update(accounts).where(accounts.c.id == row.id).values(
        failed_sign_ins=0, locked_until=None))
    record(conn, row.name, "signed in", {}, now=now)
    return _account(row)


def failed_sign_ins(casebook: Casebook, name: str) -> int:
    """Wrong passwords in a row for this name (0 when there is no such account)."""
    with casebook.read() as conn:
        row = conn.execute(select(accounts.c.failed_sign_ins).where(
            accounts.c.name == (name or "").strip().lower())).first()
    return row.failed_sign_ins if row else 0


def _matches(password_hash: str | None, password: str) -> bool:
    if not password_hash or not password:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password_with_link(casebook: Casebook, secret: str, password: str, *,
                           now: datetime | None = None) -> Account:
    """Spend a one-time sign-in link to set the account's own password."""
    _check_password(password)
    now = now or datetime.now(UTC)
    with casebook.write() as conn:
        row = conn.execute(select(accounts).where(
            accounts.c.link_hash == _link_hash(secret or ""))).first()
        if row is None or row.link_expires_at is None or row.link_expires_at <= now:
            raise SignInRefused("This sign-in link has been used or has expired. Ask your "
                                "administrator for a new one.")
        if row.disabled:
            raise SignInRefused("This account has been switched off. Ask your administrator "
                                "if you need it again.")
        conn.execute(update(accounts).where(accounts.c.id == row.id).values(
            password_hash=_HASHER.hash(password), link_hash=None, link_expires_at=None,
            failed_sign_ins=0, locked_until=None, updated_at=now))
        record(conn, row.name, "password set", {"with": "one-time link"}, now=now)
        return _account(_get(conn, row.name))
