"""A learner's rights: everything held about them, forgetting their name, and old
attempts anonymised, on SQLite and PostgreSQL and from the command line."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from casebook.accounts import add_account
from casebook.audit import audit_events_of
from casebook.errors import CasebookError, NotFound
from casebook.store import open_casebook
from casebook.store.schema import attempts
from casebook.training.attempts import list_attempts, start_session
from casebook.training.format import read_scenario
from casebook.training.learner_records import (
    ANONYMISED,
    anonymise_older_attempts,
    export_learner,
    forget_learner,
)

from conftest import run_cli

EXAMPLE = read_scenario(Path(__file__).parent / "data" / "scenarios" / "example.yaml")


def _played(casebook, learner, *, days_ago=0):
    session = start_session(casebook, EXAMPLE, learner=learner, library_service="Leeds")
    session.choose(0, "fairly sure")
    session.choose(0, "not sure")
    if days_ago:
        with casebook.write() as conn:
            conn.execute(update(attempts).where(attempts.c.id == session.attempt_id).values(
                started_at=datetime.now(UTC) - timedelta(days=days_ago)))
    return session.attempt_id


def test_export_holds_every_attempt_and_step_and_the_account_without_secrets(casebook):
    add_account(casebook, "sam.jones", ["learner"], display_name="Sam Jones",
                password="correct horse battery")
    first = _played(casebook, "sam.jones")
    second = _played(casebook, "Sam.Jones")
    _played(casebook, "Someone Else")
    data = export_learner(casebook, "SAM.JONES")
    assert [a["id"] for a in data["attempts"]] == [first, second]
    assert [len(a["steps"]) for a in data["attempts"]] == [2, 2]
    assert data["attempts"][0]["steps"][0]["certainty"] == "fairly sure"
    assert data["account"]["display_name"] == "Sam Jones"
    assert "password" not in json.dumps(data) and "hash" not in json.dumps(data)
    assert [e["action"] for e in data["audit"]] == []  # no sign-in yet
    with pytest.raises(NotFound, match="nothing is held about a learner called 'nobody'"):
        export_learner(casebook, "nobody")


def test_forgetting_removes_the_name_and_keeps_the_figures(casebook):
    ids = {_played(casebook, "Ann Lee"), _played(casebook, "ann  lee ")}
    kept = _played(casebook, "Bob")
    assert forget_learner(casebook, "Ann Lee", by="admin") == 2
    assert list_attempts(casebook, learner="Ann Lee") == []
    anonymous = list_attempts(casebook, learner=ANONYMISED)
    assert {a.id for a in anonymous} == ids
    assert all(a.passed and a.score == 4 and a.library_service == "Leeds" for a in anonymous)
    assert [a.id for a in list_attempts(casebook, learner="Bob")] == [kept]
    (event,) = audit_events_of(casebook)
    assert (event.actor, event.action, event.detail) == ("admin", "learner forgotten",
                                                        {"attempts": 2})
    assert "Ann" not in json.dumps(event.to_dict())
    with pytest.raises(NotFound, match="no training attempts by a learner called 'Ann Lee'"):
        forget_learner(casebook, "Ann Lee")
    with pytest.raises(CasebookError, match="give the learner's name"):
        forget_learner(casebook, ANONYMISED)


def test_retention_anonymises_only_attempts_older_than_the_months_given(casebook):
    old = _played(casebook, "Old Timer", days_ago=400)
    recent = _played(casebook, "Old Timer", days_ago=100)
    assert anonymise_older_attempts(casebook, 12, by="admin") == 1
    assert [a.id for a in list_attempts(casebook, learner="Old Timer")] == [recent]
    assert [a.id for a in list_attempts(casebook, learner=ANONYMISED)] == [old]
    assert anonymise_older_attempts(casebook, 12) == 0  # nothing left to do
    assert audit_events_of(casebook)[1].detail == {"attempts_months": 12, "attempts": 1}
    with pytest.raises(CasebookError, match="expected 1 to 1200"):
        anonymise_older_attempts(casebook, 0)


def test_the_commands(sqlite_url, tmp_path):
    casebook = open_casebook(sqlite_url)
    _played(casebook, "Cat Ng")
    out = tmp_path / "cat.json"
    exported = run_cli("learner", "export", "Cat Ng", "--out", str(out), "--db", sqlite_url)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text())["attempts"][0]["learner"] == "Cat Ng"
    to_stdout = run_cli("learner", "export", "cat ng", "--db", sqlite_url, check=True)
    assert json.loads(to_stdout.stdout)["learner"] == "cat ng"
    forgot = run_cli("learner", "forget", "Cat Ng", "--by", "admin", "--db", sqlite_url)
    assert forgot.stdout.startswith("1 attempt anonymised: the name 'Cat Ng' is no longer")
    again = run_cli("learner", "forget", "Cat Ng", "--db", sqlite_url)
    assert again.returncode == 2 and again.stderr == (
        "casebook learner: there are no training attempts by a learner called 'Cat Ng'\n")
    kept = run_cli("retention", "--attempts-months", "24", "--db", sqlite_url, check=True)
    assert kept.stdout == "0 attempts older than 24 months anonymised\n"
    bad = run_cli("retention", "--attempts-months", "0", "--db", sqlite_url)
    assert bad.returncode == 2 and "not a whole number of 1 or more" in bad.stderr
