"""Least privilege on a real PostgreSQL server: the application role changes rows,
never tables; the owner runs migrations; a casebook behind the software says to
upgrade with the owner."""

import uuid

import psycopg
import pytest
from sqlalchemy import text

from casebook.entries import add_entry, delete_entry, update_entry
from casebook.errors import CasebookError
from casebook.store import migrate_to, open_casebook
from casebook.store.roles import create_roles

from conftest import _libpq_url, run_cli


@pytest.fixture
def role_names(postgres_url):
    """Two role names of this test's own, dropped afterwards (roles are server-wide)."""
    stem = f"t{uuid.uuid4().hex[:10]}"
    names = (f"{stem}_owner", f"{stem}_app")
    yield names
    with psycopg.connect(_libpq_url(postgres_url), autocommit=True) as conn:
        database = conn.execute("SELECT current_database()").fetchone()[0]
        for name in reversed(names):
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                conn.execute(f'GRANT "{name}" TO current_user')  # to drop what it holds
                conn.execute(f'DROP OWNED BY "{name}"')
                conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM "{name}"')
                conn.execute(f'DROP ROLE "{name}"')


def _run(url, sql):
    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        conn.execute(sql)


def test_the_application_role_writes_rows_but_cannot_drop_or_make_a_table(
        postgres_schema_url, role_names):
    admin = open_casebook(postgres_schema_url)
    roles = create_roles(admin, *role_names)
    app = open_casebook(roles.app_url)
    entry = add_entry(app, {"kind": "note", "text": "Written by the app role",
                            "theme": ["Security"]}, actor="app")
    update_entry(app, entry.id, {"text": "Changed by the app role"}, actor="app")
    delete_entry(app, entry.id, actor="app")
    with app.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM entries")).scalar() == 1
        assert conn.execute(text("SELECT current_user")).scalar() == role_names[1]
    for sql in ("DROP TABLE entries", "CREATE TABLE sneaky (x int)",
                "ALTER TABLE entries ADD COLUMN sneaky int", "TRUNCATE entries",
                "UPDATE alembic_version SET version_num = '0001'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _run(roles.app_url, sql)
    with admin.read() as conn:  # nothing the refusals touched has changed
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0007"
        assert conn.execute(text("SELECT count(*) FROM entries")).scalar() == 1


def test_the_owner_upgrades_and_the_app_may_use_the_new_tables(postgres_schema_url,
                                                              role_names):
    admin = open_casebook(postgres_schema_url, upgrade=False)
    migrate_to(admin, "0006")  # an older casebook: no accounts table yet
    roles = create_roles(admin, *role_names)
    with pytest.raises(CasebookError, match=r"at schema revision 0006 and this software "
                                            r"needs 0007, but this database role may not "
                                            r"change tables: upgrade it first with the owner"):
        open_casebook(roles.app_url)
    assert open_casebook(roles.owner_url).revision() == "0007"
    from casebook.accounts import add_account, sign_in
    app = open_casebook(roles.app_url)
    add_account(app, "sam", ["learner"], password="correct horse battery")
    assert sign_in(app, "sam", "correct horse battery").name == "sam"


def test_the_command_prints_both_addresses_and_refuses_sqlite(postgres_schema_url,
                                                             role_names, sqlite_url):
    owner, app = role_names
    result = run_cli("db", "roles", "--owner", owner, "--app", app, "--passwords-stdin",
                     "--db", postgres_schema_url, input="owner secret pw\napp secret pw\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"{owner}:owner secret pw@" in lines[1].replace("%20", " ")
    assert f"{app}:app secret pw@" in lines[3].replace("%20", " ")
    again = run_cli("db", "roles", "--owner", owner, "--app", app, "--db", postgres_schema_url)
    assert again.returncode == 0  # running it twice brings the roles up to date
    lite = run_cli("db", "roles", "--db", sqlite_url)
    assert lite.returncode == 2 and "database roles are for PostgreSQL" in lite.stderr
    same = run_cli("db", "roles", "--owner", "x_one", "--app", "x_one", "--db",
                   postgres_schema_url)
    assert same.returncode == 2 and "two different roles" in same.stderr
    bad = run_cli("db", "roles", "--owner", "Robert'); DROP", "--db", postgres_schema_url)
    assert bad.returncode == 2 and "cannot be the owner role's name" in bad.stderr
