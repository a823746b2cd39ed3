"""Opening a casebook: the only module that creates database engines.

One URL chooses the backend: ``sqlite:///path.db`` (the default, a file under
``var/``) or ``postgresql+psycopg://user@host/db`` for a network-wide casebook.
Opening creates the casebook or upgrades it to the newest schema, after making
sure the database really is a casebook: another program's file is refused and
left byte-for-byte as it was.

Example::

    cb = open_casebook("sqlite:///var/casebook.db")
    with cb.write() as conn:
        ...
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from ..errors import CasebookError, DatabaseUnavailable, NotACasebook, SchemaTooNew

DEFAULT_PATH = Path("var") / "casebook.db"
# The newest migration's id. Known here so that opening an up-to-date casebook
# needs no Alembic import (a quarter of a second on every command and kernel);
# a test checks it against the migration scripts.
SCHEMA_HEAD = "0007"
_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's code for "permission denied"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number: concurrent openers of one PostgreSQL casebook take turns on it.
_UPGRADE_LOCK_KEY = 0x0CA5EB00C
# The tables a casebook has at its first revision; a database holding other
# tables but not these belongs to something else.
_CASEBOOK_TABLES = {"alembic_version", "entries", "meetups"}


def default_url() -> str:
    """The URL from ``CASEBOOK_DB``, or a SQLite file under ``var/`` in the working folder."""
    return os.environ.get("CASEBOOK_DB") or f"sqlite:///{DEFAULT_PATH}"


def _alembic_config():
    # Imported here: only an upgrade needs Alembic.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def known_revisions() -> list[str]:
    """Every schema revision this software knows, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


class Casebook:
    """An open casebook database. Use :meth:`read` and :meth:`write` for transactions."""

    def __init__(self, engine: Engine, url: URL):
        self.engine = engine
        self.url = url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """The URL with any password hidden, for banners and messages."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction. On SQLite it takes no lock, so readers never block writers."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an exception.

        On SQLite it starts with ``BEGIN IMMEDIATE``: the write lock is taken
        up front, so a writer that must wait does so within the busy timeout
        instead of failing with "database is locked" when it first writes.
        """
        with self.engine.connect() as conn:
            conn = conn.execution_options(casebook_write=True)
            with conn.begin():
                yield conn

    def revision(self) -> str | None:
        """The schema revision the database is at; None for a new, empty database."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def close(self) -> None:
        self.engine.dispose()


def open_casebook(url: str | None = None, *, upgrade: bool = True) -> Casebook:
    """Open the casebook at ``url`` (default: :func:`default_url`), creating or upgrading it.

    Raises :class:`NotACasebook` for a file or database that belongs to
    something else, :class:`SchemaTooNew` for one written by a newer version,
    and :class:`DatabaseUnavailable` when the server cannot be reached.
    """
    parsed = _parse(url or default_url())
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    casebook = Casebook(engine, parsed)
    try:
        _check_is_casebook(casebook)
        if upgrade:
            _upgrade(casebook)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(_one_line(exc, casebook)) from exc
    except Exception:
        engine.dispose()
        raise
    return casebook


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(
            f"{url!r} is not a database URL; expected sqlite:///path.db "
            "or postgresql+psycopg://user@host/dbname"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":  # the scheme Heroku-style URLs use
        parsed, backend = parsed.set(drivername="postgresql+psycopg"), "postgresql"
    if backend == "postgresql" and parsed.drivername != "postgresql+psycopg":
        # Only psycopg 3 is installed; say so rather than fail on a missing module.
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"database URL scheme {parsed.drivername!r} is not supported; "
            "expected sqlite:/// or postgresql+psycopg://"
        )
    return parsed


def _one_line(exc: OperationalError, casebook: Casebook) -> str:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return f"cannot open casebook {casebook.describe()}: {reason}"


def _sqlite_engine(url: URL) -> Engine:
    path = url.database
    if path and path != ":memory:" and not path.startswith("file:"):
        _check_sqlite_file(Path(path))
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control away from pysqlite so the begin hook below decides.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed entry survives a power cut, not only a crashed process.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        writing = conn.get_execution_options().get("casebook_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def _check_sqlite_file(path: Path) -> None:
    """Refuse anything but an SQLite file before SQLAlchemy (or WAL mode) touches it."""
    if path.is_dir():
        raise NotACasebook(f"{path} is a folder, not a casebook file")
    if not path.exists():
        if path == DEFAULT_PATH or path.resolve() == DEFAULT_PATH.resolve():
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise NotACasebook(
                f"cannot create casebook {path}: folder {path.parent} does not exist"
            )
        return
    # Only SQLite itself opens the file: closing any other handle on it would drop
    # every lock this process holds on it (POSIX), and a casebook already open here
    # would then miss other processes' writes.
    try:
        # Reading the schema writes nothing to a rollback-journal database.
        probe = sqlite3.connect(path)
        try:
            tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc):
            raise NotACasebook(f"{path} is not a casebook: it is not an SQLite database "
                               "file") from None
        raise NotACasebook(f"{path} is not a casebook: SQLite says {exc}") from exc
    _check_tables(str(path), tables)


def _check_tables(where: str, tables: set[str]) -> None:
    if tables and not _CASEBOOK_TABLES <= tables:
        others = ", ".join(sorted(tables - _CASEBOOK_TABLES)[:5]) or "none"
        raise NotACasebook(
            f"{where} is not a casebook: it has tables ({others}) but not "
            f"{', '.join(sorted(_CASEBOOK_TABLES - tables))}"
        )


def _check_is_casebook(casebook: Casebook) -> None:
    if casebook.dialect == "sqlite":
        return  # checked on the file itself, before any connection
    with casebook.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    _check_tables(casebook.describe(), tables)


def _upgrade(casebook: Casebook) -> None:
    current = casebook.revision()
    if current == SCHEMA_HEAD:
        return
    if current is not None and current not in known_revisions():
        raise SchemaTooNew(
            f"casebook {casebook.describe()} has schema revision {current}, "
            f"newer than this software's {SCHEMA_HEAD}; upgrade the software"
        )
    try:
        _migrate(casebook, "head")
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
            raise
        # The application role of `casebook db roles` may change rows, never tables.
        raise CasebookError(
            f"casebook {casebook.describe()} is at schema revision {current or 'none'} and "
            f"this software needs {SCHEMA_HEAD}, but this database role may not change "
            "tables: upgrade it first with the owner role (casebook init --db OWNER_URL)"
        ) from None


def _migrate(casebook: Casebook, target: str) -> None:
    from alembic import command

    config = _alembic_config()
    with casebook.write() as conn:
        if casebook.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK_KEY})
        config.attributes["connection"] = conn
        command.upgrade(config, target)


def migrate_to(casebook: Casebook, revision: str) -> None:
    """Upgrade the schema only as far as ``revision`` (tests use it to build old casebooks)."""
    _migrate(casebook, revision)
