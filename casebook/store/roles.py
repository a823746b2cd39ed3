"""Least privilege on PostgreSQL: an owner role that runs migrations, and an
application role that can read and write rows but change no table.

``casebook db roles`` runs :func:`create_roles` as an administrator (a role with
CREATEROLE that owns the casebook's schema). Afterwards:

- the **owner** owns every table of the casebook and may create, change and drop
  tables in its schema: run ``casebook init --db OWNER_URL`` to upgrade;
- the **application** role may SELECT, INSERT, UPDATE and DELETE rows (and use
  the key sequences), read the schema revision, and nothing more: no DDL, so a
  flaw in an app cannot drop or alter a table. ``casebook serve`` connects with
  it; a casebook behind the software's schema then says to upgrade with the owner.

Tables the owner creates later (by a migration) give the application role the
same rights, through default privileges.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import URL

from ..errors import CasebookError
from .engine import Casebook

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
ROW_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"


@dataclass(frozen=True)
class Roles:
    owner_url: str
    app_url: str


def _name(role: str, what: str) -> str:
    if not _ROLE.match(role or ""):
        raise CasebookError(f"{role!r} cannot be the {what} role's name: use lower-case "
                            "letters, digits and underscores, starting with a letter")
    return role


def _quote(password: str) -> str:
    return "'" + password.replace("'", "''") + "'"


def create_roles(casebook: Casebook, owner: str, app: str, *,
                 owner_password: str | None = None,
                 app_password: str | None = None) -> Roles:
    """Make (or bring up to date) the two roles; returns the URL of each."""
    if casebook.dialect != "postgresql":
        raise CasebookError("database roles are for PostgreSQL; a SQLite casebook is a file, "
                            "protected by the file's own permissions")
    owner, app = _name(owner, "owner"), _name(app, "application")
    if owner == app:
        raise CasebookError("the owner and application roles must be two different roles")
    owner_password = owner_password or secrets.token_urlsafe(18)
    app_password = app_password or secrets.token_urlsafe(18)
    with casebook.write() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        me = conn.execute(text("SELECT current_user")).scalar_one()
        if owner == me or app == me:
            raise CasebookError(f"{me!r} is the role running this command: choose other names")
        for role, password, flags in ((owner, owner_password, "LOGIN"),
                                      (app, app_password, "LOGIN NOINHERIT")):
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                  {"r": role}).first()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(text(f'{verb} ROLE "{role}" {flags} PASSWORD {_quote(password)}'))
        conn.execute(text(f'GRANT "{owner}" TO "{me}"'))  # so that tables can be handed over
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{owner}", "{app}"'))
        conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO "{owner}"'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{app}"'))
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"),
                              {"s": schema}).scalars().all()
        for table in tables:
            conn.execute(text(f'ALTER TABLE "{schema}"."{table}" OWNER TO "{owner}"'))
        conn.execute(text(f'GRANT {ROW_RIGHTS} ON ALL TABLES IN SCHEMA "{schema}" TO "{app}"'))
        conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" '
                          f'TO "{app}"'))
        if "alembic_version" in tables:  # the app reads the revision; only the owner moves it
            conn.execute(text(f'REVOKE INSERT, UPDATE, DELETE ON "{schema}".alembic_version '
                              f'FROM "{app}"'))
        conn.execute(text(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA "{schema}" '
                          f'GRANT {ROW_RIGHTS} ON TABLES TO "{app}"'))
        conn.execute(text(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA "{schema}" '
                          f'GRANT USAGE, SELECT ON SEQUENCES TO "{app}"'))
    return Roles(_url(casebook.url, owner, owner_password),
                 _url(casebook.url, app, app_password))


def _url(url: URL, role: str, password: str) -> str:
    return url.set(username=role, password=password).render_as_string(hide_password=False)
