"""Accounts: made, signed in to, locked, reset and switched off, with every change in
the audit trail, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casebook.accounts import (
    LOCK_AFTER,
    LOCK_MINUTES,
    SignInRefused,
    add_account,
    failed_sign_ins,
    get_account,
    has_admin,
    list_accounts,
    reset_account,
    set_disabled,
    set_password_with_link,
    sign_in,
)
from casebook.audit import audit_events_of
from casebook.errors import CasebookError, NotFound
from casebook.store import open_casebook
from casebook.store.schema import accounts

from conftest import run_cli

PASSWORD = "correct horse battery"
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_an_account_with_a_password_signs_in_and_keeps_only_a_hash(casebook):
    account, link = add_account(casebook, "Priya.Shah", ["facilitator", "learner"],
                                service="Kirklees Libraries", display_name="Priya Shah",
                                password=PASSWORD, by="admin")
    assert link is None
    assert (account.name, account.display_name, account.library_service, account.roles) == (
        "priya.shah", "Priya Shah", "Kirklees Libraries", ("learner", "facilitator"))
    assert sign_in(casebook, "PRIYA.SHAH ", PASSWORD).name == "priya.shah"
    with casebook.read() as conn:
        stored = conn.execute(select(accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_and_unknown_name_get_the_same_words(casebook):
    add_account(casebook, "sam", ["learner"], password=PASSWORD)
    with pytest.raises(SignInRefused) as wrong:
        sign_in(casebook, "sam", "not the password")
    with pytest.raises(SignInRefused) as unknown:
        sign_in(casebook, "nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == (
        "That name and password do not match. Check them and try again.")
    assert failed_sign_ins(casebook, "sam") == 1 and failed_sign_ins(casebook, "nobody") == 0


def test_too_many_wrong_passwords_lock_the_account_for_a_while(casebook):
    add_account(casebook, "sam", ["learner"], password=PASSWORD)
    for n in range(LOCK_AFTER):
        with pytest.raises(SignInRefused):
            sign_in(casebook, "sam", f"guess {n}", now=NOW)
    with pytest.raises(SignInRefused, match=f"locked for {LOCK_MINUTES} more minutes"):
        sign_in(casebook, "sam", PASSWORD, now=NOW + timedelta(seconds=5))  # even the right one
    later = NOW + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert sign_in(casebook, "sam", PASSWORD, now=later).name == "sam"
    assert failed_sign_ins(casebook, "sam") == 0


def test_a_one_time_link_sets_the_persons_own_password_once(casebook):
    account, link = add_account(casebook, "jo", ["learner"], now=NOW)
    assert link and not account.has_password
    with pytest.raises(SignInRefused):
        sign_in(casebook, "jo", "")  # no password yet: nothing signs in
    with pytest.raises(CasebookError, match="too short"):
        set_password_with_link(casebook, link, "short", now=NOW)
    assert set_password_with_link(casebook, link, PASSWORD, now=NOW).has_password
    assert sign_in(casebook, "jo", PASSWORD).name == "jo"
    with pytest.raises(SignInRefused, match="has been used or has expired"):
        set_password_with_link(casebook, link, "another long password", now=NOW)


def test_a_link_expires_and_a_reset_gives_a_new_one(casebook):
    _, link = add_account(casebook, "jo", ["learner"], now=NOW)
    with pytest.raises(SignInRefused, match="has been used or has expired"):
        set_password_with_link(casebook, link, PASSWORD, now=NOW + timedelta(hours=25))
    new_link = reset_account(casebook, "jo", by="admin", now=NOW + timedelta(hours=25))
    assert new_link != link
    set_password_with_link(casebook, new_link, PASSWORD, now=NOW + timedelta(hours=26))
    reset_account(casebook, "jo", by="admin")
    with pytest.raises(SignInRefused):
        sign_in(casebook, "jo", PASSWORD)  # a reset forgets the old password


def test_a_disabled_account_cannot_sign_in_and_is_no_admin(casebook):
    add_account(casebook, "boss", ["admin"], password=PASSWORD)
    assert has_admin(casebook)
    set_disabled(casebook, "boss", by="boss")
    assert not has_admin(casebook) and get_account(casebook, "boss").disabled
    with pytest.raises(SignInRefused, match="switched off"):
        sign_in(casebook, "boss", PASSWORD)
    set_disabled(casebook, "boss", False)
    assert sign_in(casebook, "boss", PASSWORD).may("admin")


@pytest.mark.parametrize("name, roles, password, expected", [
    ("a", ["learner"], None, "cannot be a sign-in name"),
    ("has space", ["learner"], None, "cannot be a sign-in name"),
    ("-dash", ["learner"], None, "cannot be a sign-in name"),
    ("ok.name", [], None, "no role is not a role"),
    ("ok.name", ["boss"], None, "boss is not a role: expected one or more of learner"),
    ("ok.name", ["learner"], "short", "too short"),
])
def test_bad_input_is_explained_and_changes_nothing(casebook, name, roles, password, expected):
    with pytest.raises(CasebookError, match=expected):
        add_account(casebook, name, roles, password=password)
    assert list_accounts(casebook) == [] and audit_events_of(casebook) == []


def test_a_name_is_taken_once_whatever_its_case(casebook):
    add_account(casebook, "sam", ["learner"])
    with pytest.raises(CasebookError, match="already an account called 'sam'"):
        add_account(casebook, "SAM", ["manager"])
    assert [a.roles for a in list_accounts(casebook)] == [("learner",)]
    with pytest.raises(NotFound, match="no account called 'kim'"):
        reset_account(casebook, "kim")


def test_every_change_and_sign_in_is_audited_without_secrets(casebook):
    _, link = add_account(casebook, "jo", ["learner"], by="admin", now=NOW)
    set_password_with_link(casebook, link, PASSWORD)
    sign_in(casebook, "jo", PASSWORD)
    with pytest.raises(SignInRefused):
        sign_in(casebook, "jo", "wrong password")
    set_disabled(casebook, "jo", by="admin")
    events = audit_events_of(casebook)
    assert [(e.actor, e.action) for e in reversed(events)] == [
        ("admin", "account added"), ("jo", "password set"), ("jo", "signed in"),
        ("jo", "sign-in refused"), ("admin", "account disabled")]
    assert events[1].detail == {"why": "wrong password", "locked": False}
    text = repr([e.to_dict() for e in events])
    assert PASSWORD not in text and link not in text and "wrong password'" not in text.replace(
        "'why': 'wrong password'", "")


# --- From the command line ---------------------------------------------------------

def test_users_add_prints_a_one_time_link_that_sets_a_password(sqlite_url):
    added = run_cli("users", "add", "Priya.Shah", "--role", "facilitator", "--role", "learner",
                    "--service", "Kirklees Libraries", "--display-name", "Priya Shah",
                    "--db", sqlite_url, "--by", "admin", "--server", "https://lib.example/")
    assert added.returncode == 0, added.stderr
    lines = added.stdout.splitlines()
    assert lines[0] == "added priya.shah (learner, facilitator)"
    link = lines[-1]
    assert link.startswith("https://lib.example/casebook/set-password?link=")
    casebook = open_casebook(sqlite_url)
    set_password_with_link(casebook, link.split("link=")[1], PASSWORD)
    assert sign_in(casebook, "priya.shah", PASSWORD).display_name == "Priya Shah"
    listed = run_cli("users", "list", "--db", sqlite_url)
    assert listed.stdout == ("priya.shah\tPriya Shah\tKirklees Libraries\tlearner, "
                             "facilitator\tactive\n")


def test_users_add_reads_a_password_from_stdin(sqlite_url):
    added = run_cli("users", "add", "boss", "--role", "admin", "--password-stdin",
                    "--db", sqlite_url, input=PASSWORD + "\n")
    assert added.returncode == 0 and "link" not in added.stdout
    assert sign_in(open_casebook(sqlite_url), "boss", PASSWORD).may("admin")
    two_lines = run_cli("users", "add", "kim", "--role", "admin", "--password-stdin",
                        "--db", sqlite_url, input="one\ntwo\n")
    assert two_lines.returncode == 2
    assert two_lines.stderr == ("casebook users: --password-stdin reads one line: the "
                                "password, and nothing else\n")


@pytest.mark.parametrize("args, expected", [
    (["add", "x y", "--role", "learner"], "cannot be a sign-in name"),
    (["add", "kim", "--role", "learner", "--password-stdin"], "reads one line"),
    (["add", "sam", "--role", "manager"], "already an account called 'sam'"),
    (["disable", "nobody"], "there is no account called 'nobody'"),
    (["reset", "nobody"], "there is no account called 'nobody'"),
])
def test_users_bad_input_is_one_line_and_changes_nothing(sqlite_url, args, expected):
    run_cli("users", "add", "sam", "--role", "learner", "--db", sqlite_url, check=True)
    before = run_cli("users", "list", "--format", "jsonl", "--db", sqlite_url).stdout
    audit_before = run_cli("audit", "--db", sqlite_url).stdout
    result = run_cli("users", *args, "--db", sqlite_url)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert run_cli("users", "list", "--format", "jsonl", "--db", sqlite_url).stdout == before
    assert run_cli("audit", "--db", sqlite_url).stdout == audit_before


def test_an_unknown_role_is_refused_by_name(sqlite_url):
    result = run_cli("users", "add", "sam", "--role", "boss", "--db", sqlite_url)
    assert result.returncode == 2 and "invalid choice: 'boss'" in result.stderr


def test_disable_reset_and_the_audit_trail_from_the_command_line(sqlite_url):
    run_cli("users", "add", "sam", "--role", "learner", "--db", sqlite_url, "--by", "admin",
            check=True)
    assert "can no longer sign in" in run_cli("users", "disable", "sam", "--by", "admin",
                                              "--db", sqlite_url, check=True).stdout
    assert "\tdisabled\n" in run_cli("users", "list", "--db", sqlite_url).stdout
    run_cli("users", "enable", "SAM", "--db", sqlite_url, "--by", "admin", check=True)
    reset = run_cli("users", "reset", "sam", "--db", sqlite_url, "--by", "admin", check=True)
    assert "set-password?link=" in reset.stdout.splitlines()[-1]
    events = [json.loads(line) for line in run_cli("audit", "--format", "jsonl", "--db",
                                                   sqlite_url).stdout.splitlines()]
    assert [(e["actor"], e["action"], e["detail"].get("account")) for e in events] == [
        ("admin", "account added", "sam"), ("admin", "account disabled", "sam"),
        ("admin", "account enabled", "sam"), ("admin", "account reset", "sam")]
    assert "link=" not in json.dumps(events)
    table = run_cli("audit", "--db", sqlite_url, "--limit", "1").stdout
    assert table.count("\n") == 1 and "\tadmin\taccount reset\taccount: sam" in table


def test_every_export_is_audited_with_its_filter_and_row_count(sqlite_url, tmp_path):
    for text in ("One about security", "Another about security", "Something else"):
        theme = "Security" if "security" in text else "Capacity"
        run_cli("add", "--db", sqlite_url, "--kind", "note", "--text", text,
                "--theme", theme, check=True)
    run_cli("export", "--db", sqlite_url, "--format", "csv", "--out",
            str(tmp_path / "x.csv"), "--theme", "Security", "--by", "manager.mo", check=True)
    (event,) = audit_events_of(open_casebook(sqlite_url))
    assert (event.actor, event.action) == ("manager.mo", "export")
    assert event.detail == {"format": "csv", "rows": 2, "via": "command line",
                            "filter": {"themes": ["Security"]}}
    assert "One about security" not in json.dumps(event.to_dict())  # never the entries
