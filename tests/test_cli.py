"""The casebook command as a user types it: outputs, exit statuses, one-line errors."""

import argparse
import json
import re
import sys
from pathlib import Path

import pytest

from casebook import count_entries, get_entry, open_casebook
from casebook.cli import build_parser

from conftest import run_cli

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
README = Path(__file__).parent.parent / "README.md"


def subcommands() -> list[str]:
    """Every command a user can run, nested ones included ("scenarios check")."""
    def leaves(parser, prefix):
        groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not groups:
            return [prefix]
        return [leaf for name, sub in groups[0].choices.items()
                for leaf in leaves(sub, f"{prefix} {name}".strip())]
    return sorted(leaves(build_parser(), ""))


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "casebook"
    assert script.exists()


@pytest.mark.parametrize("command", subcommands())
def test_every_command_explains_itself_and_takes_db(command):
    result = run_cli(*command.split(), "--help")
    assert result.returncode == 0
    assert "--db URL" in result.stdout and "CASEBOOK_DB" in result.stdout


def test_the_readme_documents_every_command():
    readme = README.read_text(encoding="utf-8")
    missing = [c for c in subcommands() if f"casebook {c}" not in readme]
    assert missing == []


def test_add_prints_the_new_uuid(sqlite_url):
    result = run_cli("add", "--db", sqlite_url, "--kind", "challenge", "--text", "Few staff",
                     "--title", "Capacity", "--theme", "Capacity", "--theme", "Security",
                     "--offer", "Digital and Information", "--skill", "Problem solving",
                     "--service", "Leeds Libraries", "--region", "Yorkshire and the Humber",
                     "--by", "Sam")
    assert result.returncode == 0, result.stderr
    entry_id = result.stdout.strip()
    assert UUID.match(entry_id)
    entry = get_entry(open_casebook(sqlite_url), entry_id)
    assert entry.themes == ("Capacity", "Security") and entry.created_by == "Sam"
    assert entry.skills == ("Problem solving",) and entry.library_service == "Leeds Libraries"


@pytest.mark.parametrize("args, expected", [
    (["--kind", "challeng", "--text", "x"], "kind: found 'challeng'"),
    (["--kind", "note", "--text", "   "], "text: is required"),
    (["--kind", "note", "--text", "x", "--theme", "Securty"], "theme 'Securty' is not one of"),
    (["--text", "x"], "add needs --kind"),
    (["--kind", "note", "--text", "x", "--meetup", "nope"], "meetup_id: 'nope' is not a UUID"),
])
def test_bad_add_is_one_line_exit_2_and_writes_nothing(sqlite_url, args, expected):
    run_cli("init", "--db", sqlite_url, check=True)
    result = run_cli("add", "--db", sqlite_url, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert count_entries(open_casebook(sqlite_url)) == 0


def test_jsonl_reports_bad_lines_and_keeps_good_ones(sqlite_url, tmp_path):
    lines = [
        json.dumps({"kind": "approach", "text": "Tea and Tech", "themes": ["Communication"]}),
        "{not json",
        json.dumps({"kind": "note", "text": ""}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"kind": "note", "text": "Welsh ŵ", "service": "Gwynedd", "by": "Ann"}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("add", "--db", sqlite_url, "--jsonl", str(source))
    assert result.returncode == 2
    printed = result.stdout.split()
    assert len(printed) == 2 and all(UUID.match(u) for u in printed)
    errors = result.stderr.strip().splitlines()
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 5"]
    assert "not valid JSON" in errors[0] and "text: is required" in errors[1]
    assert "expected a JSON object" in errors[2]
    cb = open_casebook(sqlite_url)
    assert count_entries(cb) == 2
    assert get_entry(cb, printed[1]).library_service == "Gwynedd"


def test_jsonl_from_stdin_with_all_good_lines_exits_0(sqlite_url):
    text = "".join(json.dumps({"kind": "note", "text": f"n{i}"}) + "\n" for i in range(5))
    result = run_cli("add", "--db", sqlite_url, "--jsonl", "-", input=text)
    assert result.returncode == 0 and len(result.stdout.split()) == 5


def test_jsonl_does_not_mix_with_field_options(sqlite_url):
    result = run_cli("add", "--db", sqlite_url, "--jsonl", "-", "--kind", "note", input="")
    assert result.returncode == 2 and "drop --kind" in result.stderr


def test_missing_jsonl_file_is_one_line(sqlite_url):
    result = run_cli("add", "--db", sqlite_url, "--jsonl", "/no/such/file.jsonl")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "No such file" in result.stderr


def test_count_search_and_history(sqlite_url):
    def add(*args):
        return run_cli("add", "--db", sqlite_url, *args, check=True).stdout.strip()

    wifi = add("--kind", "challenge", "--text", "Is the open Wi-Fi safe for banking?",
               "--theme", "Security", "--service", "Leeds Libraries")
    add("--kind", "approach", "--text", "Tea and Tech drop-ins", "--theme", "Capacity")
    assert run_cli("count", "--db", sqlite_url).stdout == "2\n"
    assert run_cli("count", "--db", sqlite_url, "--theme", "Security").stdout == "1\n"
    assert run_cli("count", "--db", sqlite_url, "--kind", "approach", "--kind",
                   "challenge").stdout == "2\n"
    assert run_cli("count", "--db", sqlite_url, "--service", "York").stdout == "0\n"
    bad = run_cli("count", "--db", sqlite_url, "--since", "2025-13-01")
    assert bad.returncode == 2 and "is not a date" in bad.stderr

    table = run_cli("search", "--db", sqlite_url, "wifi banking")
    assert table.returncode == 0 and table.stdout.startswith(wifi)
    rows = [json.loads(line) for line in
            run_cli("search", "--db", sqlite_url, "wifi", "--format", "jsonl").stdout.splitlines()]
    assert [r["id"] for r in rows] == [wifi]
    assert {"id", "kind", "title", "text", "themes", "offers", "skills", "library_service",
            "region", "meetup_id", "created_by", "status", "created_at", "updated_at",
            "score"} <= set(rows[0])
    assert rows[0]["themes"] == ["Security"] and rows[0]["created_at"].endswith("Z")
    assert run_cli("search", "--db", sqlite_url, "nothing matches").stdout == "No entries match.\n"

    history = run_cli("history", "--db", sqlite_url, wifi)
    assert history.returncode == 0 and " create " in history.stdout
    assert 'themes: null → ["Security"]' in history.stdout
    revisions = run_cli("history", "--db", sqlite_url, wifi, "--format", "jsonl").stdout
    assert json.loads(revisions)["action"] == "create"
    missing = run_cli("history", "--db", sqlite_url, "00000000-0000-4000-8000-000000000000")
    assert missing.returncode == 2 and "no entry has id" in missing.stderr


def test_malformed_arguments_exit_2():
    assert run_cli("count", "--frobnicate").returncode == 2
    assert run_cli("search", "x", "--limit", "0").returncode == 2
    assert run_cli().returncode == 2


def test_a_real_child_process_gives_one_line_and_exit_2(sqlite_url):
    # Most CLI tests call casebook.cli.main in-process; this one runs the real process.
    from conftest import run_cli_process

    result = run_cli_process("add", "--db", sqlite_url, "--kind", "Securty", "--text", "x")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Securty" in result.stderr
    piped = run_cli_process("add", "--db", sqlite_url, "--jsonl", "-",
                            input='{"kind": "note", "text": "Piped in"}\n')
    assert piped.returncode == 0 and len(piped.stdout.strip()) == 36
