"""Shared fixtures: a real SQLite file and a real PostgreSQL server, one suite for both.

PostgreSQL tests use the server named by CASEBOOK_TEST_POSTGRES (``.ci/run``
starts one); each test gets a schema of its own, dropped afterwards. Without
that variable they skip locally; in CI (CI=true) any skip fails the run (see
the conftest.py at the top of the repository).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy.engine import make_url

from casebook.store import Casebook, open_casebook

POSTGRES_ENV = "CASEBOOK_TEST_POSTGRES"


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    return url


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema of this test's own."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(postgres_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq_url(postgres_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """The URL of a new, empty database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'casebook.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def casebook(db_url: str) -> Iterator[Casebook]:
    cb = open_casebook(db_url)
    yield cb
    cb.close()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'casebook.db'}"


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | None = None, env: dict | None = None,
            check: bool = False) -> CliResult:
    """Run ``casebook.cli.main`` in this process, as the console script would, with its
    own stdin, stdout, stderr and environment: a fraction of a child process's cost."""
    from casebook.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_stdin = dict(os.environ), sys.stdin
    # A CASEBOOK_DB from the developer's shell must never leak into a test.
    os.environ.pop("CASEBOOK_DB", None)
    os.environ.update(env or {})
    sys.stdin = io.StringIO(input or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, or malformed arguments
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
    result = CliResult(code, out.getvalue(), err.getvalue())
    if check and result.returncode != 0:
        raise AssertionError(f"casebook {' '.join(args)} failed: {result.stderr}")
    return result


def run_cli_process(*args: str, input: str | None = None, env: dict | None = None,
                    check: bool = False) -> subprocess.CompletedProcess:
    """Run the ``casebook`` command in a child process, exactly as a user would (kept for
    the few tests about the process itself: exit codes, streams, the console script)."""
    full_env = {k: v for k, v in os.environ.items() if k != "CASEBOOK_DB"}
    full_env.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args],
        input=input, capture_output=True, text=True, env=full_env, timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"casebook {' '.join(args)} failed: {result.stderr}")
    return result


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (which never fetches a browser of its own)."""
    from playwright.sync_api import sync_playwright

    from servers import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser):
    """A page whose requests to anywhere but this machine are aborted and remembered."""
    context = browser.new_context()
    page = context.new_page()
    page.external_requests = []

    def route(request_route):
        host = request_route.request.url.split("/")[2].split(":")[0]
        if request_route.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            page.external_requests.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    yield page
    context.close()


# Fixtures that bring in a browser or a PostgreSQL server: tests using them are marked,
# so `make test-fast` can leave them out without every test saying so itself.
_BROWSER_FIXTURES = {"browser", "offline_page"}
_POSTGRES_FIXTURES = {"postgres_url", "postgres_schema_url"}
# Names that start a real server (tests/servers.py); a test, or a fixture it uses, whose
# code names one of them is marked `server`.
_SERVER_NAMES = {"VoilaServer", "PlannedServer", "ServeCommand", "_served", "free_port"}


def _names_in(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names_in(const)
    return names


def _starts_a_server(item) -> bool:
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)  # notebook cells (nbval) have none
    for defs in (info.name2fixturedefs.values() if info else ()):
        functions += [d.func for d in defs]
    return any(_SERVER_NAMES & _names_in(f.__code__) for f in functions
               if f is not None and hasattr(f, "__code__"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if names & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & _POSTGRES_FIXTURES or params.get("db_url") == "postgres":
            item.add_marker(pytest.mark.postgres)
        if _starts_a_server(item):
            item.add_marker(pytest.mark.server)
