"""Opening a casebook: SQLite settings, refusing other files, schema and model agreeing."""

import hashlib
import sqlite3
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from casebook import (
    NotACasebook,
    SchemaTooNew,
    add_entry,
    count_entries,
    get_entry,
    open_casebook,
)
from casebook.store import SCHEMA_HEAD, known_revisions
from casebook.store.schema import metadata

from conftest import run_cli


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(sqlite_url):
    cb = open_casebook(sqlite_url)
    with cb.read() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 30_000
        assert pragma("synchronous") == 2  # FULL


def test_writes_take_the_lock_up_front_on_sqlite(sqlite_url, tmp_path):
    """A second writer waits in BEGIN IMMEDIATE instead of failing later with SQLITE_BUSY."""
    cb = open_casebook(sqlite_url)
    seen = []
    with cb.write() as conn:
        other = sqlite3.connect(tmp_path / "casebook.db", timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        seen.append(conn.exec_driver_sql("SELECT 1").scalar())
    assert seen == [1]


def test_opening_it_again_in_this_process_never_hides_other_processes_writes(sqlite_url):
    """A second open in one process (a test, a kernel, `casebook serve` planning) must
    not drop the first connection's file locks: closing any other handle on the file
    would (POSIX), and the first would then go on reading a stale copy."""
    first = open_casebook(sqlite_url)
    assert count_entries(first) == 0
    open_casebook(sqlite_url).close()  # the second open, in this same process
    written = subprocess.run(
        [sys.executable, "-m", "casebook.cli", "add", "--db", sqlite_url, "--kind", "note",
         "--text", "Written by another process"], capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    assert count_entries(first) == 1
    assert sqlite3.connect(sqlite_url.removeprefix("sqlite:///")).execute(
        "SELECT count(*) FROM entries").fetchone() == (1,)


@pytest.mark.parametrize("content", [
    b"hello, this is a text file\n",
    b"SQLite format 3\x00" + b"\xff" * 4080,  # the header of SQLite, the rest garbage
    b"%PDF-1.4\n" + bytes(range(256)) * 8,
])
def test_a_file_that_is_not_a_casebook_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "precious.db"
    path.write_bytes(content)
    before = digest(path)
    result = run_cli("init", "--db", f"sqlite:///{path}")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not a casebook" in lines[0] and str(path) in lines[0]
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.db"]


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "loans.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE loans (id INTEGER PRIMARY KEY, item TEXT)")
        other.execute("INSERT INTO loans (item) VALUES ('tablet 7')")
    before = digest(path)
    with pytest.raises(NotACasebook, match=r"has tables \(loans\)"):
        open_casebook(f"sqlite:///{path}")
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loans.db"]


def test_a_folder_or_missing_folder_is_refused(tmp_path):
    with pytest.raises(NotACasebook, match="is a folder"):
        open_casebook(f"sqlite:///{tmp_path}")
    with pytest.raises(NotACasebook, match="does not exist"):
        open_casebook(f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")


def test_another_programs_postgres_schema_is_refused(postgres_schema_url):
    import psycopg
    from sqlalchemy.engine import make_url
    url = make_url(postgres_schema_url)
    schema = url.query["options"].split("=", 1)[1]
    libpq = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE TABLE "{schema}".loans (id int)')
    with pytest.raises(NotACasebook, match="loans"):
        open_casebook(postgres_schema_url)


def test_a_newer_schema_is_refused(casebook, db_url):
    with casebook.write() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaTooNew, match="9999"):
        open_casebook(db_url)


def test_the_migrations_build_exactly_the_schema_the_code_describes(casebook):
    with casebook.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # The full-text index lives outside the model on purpose (dialect-specific SQL).
    differences = [d for d in differences if "search_vector" not in str(d)
                   and "entries_fts" not in str(d)]
    assert differences == []


def test_init_prints_the_schema_revision_and_is_idempotent(sqlite_url):
    first = run_cli("init", "--db", sqlite_url)
    second = run_cli("init", "--db", sqlite_url)
    assert first.returncode == second.returncode == 0
    assert first.stdout.strip() == second.stdout.strip() == SCHEMA_HEAD


def test_casebook_db_environment_variable_and_default_location(tmp_path, sqlite_url):
    result = run_cli("add", "--kind", "note", "--text", "hi", env={"CASEBOOK_DB": sqlite_url})
    assert result.returncode == 0
    assert count_entries(open_casebook(sqlite_url)) == 1
    default = subprocess.run([sys.executable, "-m", "casebook.cli", "init"], cwd=tmp_path,
                             capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin"})
    assert default.returncode == 0, default.stderr
    assert (tmp_path / "var" / "casebook.db").exists()


@pytest.mark.slow
def test_many_processes_opening_a_new_casebook_at_once_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    children = [subprocess.Popen([sys.executable, "-m", "casebook.cli", "add", "--db", url,
                                  "--kind", "note", "--text", f"opener {i}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for i in range(6)]
    results = [child.communicate(timeout=120) for child in children]
    assert [c.returncode for c in children] == [0] * 6, results
    assert count_entries(open_casebook(url)) == 6


def test_database_server_down_is_one_clear_line():
    result = run_cli("count", "--db", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot open casebook" in result.stderr
    assert "Traceback" not in result.stderr


def test_entries_survive_reopening(sqlite_url):
    cb = open_casebook(sqlite_url)
    entry = add_entry(cb, {"kind": "note", "text": "still here"})
    cb.close()
    reopened = open_casebook(sqlite_url)
    assert count_entries(reopened) == 1
    assert get_entry(reopened, entry.id) == entry


def test_schema_head_names_the_newest_migration():
    assert known_revisions()[-1] == SCHEMA_HEAD
    assert known_revisions()[0] == "0001"
