"""Attempts leave the casebook as xAPI statements and as printable certificates."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from casebook import ValidationError
from casebook.training.attempts import get_attempt, start_session
from casebook.training.certificate import certificate_html
from casebook.training.format import read_scenario
from casebook.training.xapi import HOME, VERBS, export_statements

EXAMPLE = read_scenario(Path(__file__).parent / "data" / "scenarios" / "example.yaml")


def play(casebook, learner, answers):
    session = start_session(casebook, EXAMPLE, learner=learner, library_service="York")
    for index, certainty in answers:
        session.choose(index, certainty)
    return get_attempt(casebook, session.attempt_id)


def test_statements_for_answers_completion_and_result(casebook):
    passed = play(casebook, "Priya Shah", [(0, "very sure"), (0, "not sure")])
    failed = play(casebook, "Olu Bello", [(1, "very sure"), (1, "not sure")])
    unfinished = play(casebook, "priya  SHAH", [(0, "not sure")])
    found = list(export_statements(casebook))
    assert [s["verb"]["display"]["en-GB"] for s in found] == [
        "answered", "answered", "completed", "passed",
        "answered", "answered", "completed", "failed",
        "answered"]
    first = found[0]
    assert first["verb"]["id"] == VERBS["answered"]
    assert first["object"]["id"] == f"{HOME}/scenarios/test-example/nodes/ask"
    assert first["result"] == {"response": "Say it is fine for most things, and explain why",
                               "success": True, "score": {"raw": 2},
                               "extensions": {f"{HOME}/xapi/extensions/certainty": "very sure",
                                              f"{HOME}/xapi/extensions/certainty-marks": 3}}
    assert first["context"]["registration"] == passed.id
    assert first["timestamp"].endswith("Z")
    assert found[2]["result"] == {
        "score": {"raw": 4, "max": 4, "scaled": 1.0}, "completion": True, "success": True,
        "extensions": {f"{HOME}/xapi/extensions/red-lines-crossed": 0,
                       f"{HOME}/xapi/extensions/certainty-marks": 4}}
    assert found[7]["result"]["success"] is False and failed.passed is False
    # Pseudonymous: no name anywhere, the same person always the same account.
    text = str(found)
    assert "Priya" not in text and "Shah" not in text and "Olu" not in text
    names = [s["actor"]["account"]["name"] for s in found]
    assert names[0] == names[8] != names[4]
    assert unfinished.finished is False
    assert len({s["id"] for s in found}) == len(found)
    assert [s["id"] for s in export_statements(casebook)] == [s["id"] for s in found]


def test_a_red_line_fails_the_attempt_in_xapi(casebook):
    crossed = play(casebook, "Kim", [(2, "very sure"), (0, "very sure")])
    assert crossed.passed is False and crossed.red_lines == 1
    found = list(export_statements(casebook))
    first = found[0]["result"]
    assert first["success"] is False
    assert first["extensions"][f"{HOME}/xapi/extensions/red-line"].startswith("Staff never")
    assert [s["verb"]["display"]["en-GB"] for s in found][-1] == "failed"
    assert found[-1]["result"]["success"] is False
    assert found[-1]["result"]["extensions"][f"{HOME}/xapi/extensions/red-lines-crossed"] == 1


def test_a_certificate_for_a_passed_attempt(casebook):
    attempt = play(casebook, "Sam <b>Jones</b>", [(0, "fairly sure"), (0, "not sure")])
    page = certificate_html(attempt)
    assert "Sam &lt;b&gt;Jones&lt;/b&gt;" in page and "<b>Jones" not in page
    assert "Is the library Wi-Fi safe?" in page
    assert "4 out of 4 (pass mark 3)" in page and attempt.id in page
    parser = HTMLParser()
    parser.feed(page)
    assert "http" not in page  # prints offline: no external fonts or styles


def test_no_certificate_without_a_pass(casebook):
    failed = play(casebook, "Ann", [(1, "very sure"), (1, "not sure")])
    with pytest.raises(ValidationError, match="only for a passed"):
        certificate_html(failed)
    unfinished = play(casebook, "Bo", [(0, "not sure")])
    with pytest.raises(ValidationError):
        certificate_html(unfinished)


def test_cli_lists_attempts_and_prints_xapi(sqlite_url):
    import json

    from casebook import open_casebook

    from conftest import run_cli

    casebook = open_casebook(sqlite_url)
    play(casebook, "Priya Shah", [(0, "very sure"), (0, "not sure")])
    play(casebook, "Olu Bello", [(0, "not sure")])
    table = run_cli("attempts", "--db", sqlite_url)
    assert table.returncode == 0
    assert "Olu Bello" in table.stdout.splitlines()[0] and "unfinished" in table.stdout
    assert "4/4" in table.stdout and "passed" in table.stdout
    lines = run_cli("attempts", "--db", sqlite_url, "--format", "xapi").stdout.splitlines()
    statements = [json.loads(line) for line in lines]
    assert [s["verb"]["display"]["en-GB"] for s in statements] == [
        "answered", "answered", "completed", "passed", "answered"]
    only = run_cli("attempts", "--db", sqlite_url, "--format", "jsonl", "--learner", "olu bello")
    assert [json.loads(line)["learner"] for line in only.stdout.splitlines()] == ["Olu Bello"]
    play(casebook, "Kim", [(2, "very sure"), (0, "not sure")])
    kim = json.loads(run_cli("attempts", "--db", sqlite_url, "--format", "jsonl", "--learner",
                             "kim").stdout)
    assert (kim["passed"], kim["red_lines"], kim["certainty_score"]) == (False, 1, -6 + 1)
    first, second = kim["steps"]
    assert sorted(first["shown_order"]) == [0, 1, 2] and first["choice_index"] == 2
    assert (first["certainty"], first["certainty_marks"], first["best"]) == ("very sure", -6,
                                                                          False)
    assert first["red_line"].startswith("Staff never") and second["red_line"] is None
