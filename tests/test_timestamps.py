"""Every JSON output writes times one way: RFC 3339, UTC, with a Z and microseconds."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from casebook import add_entry, add_meetup, update_entry
from casebook.training.attempts import start_session
from casebook.training.format import read_scenario

from conftest import run_cli

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
EXAMPLE = read_scenario(Path(__file__).parent / "data" / "scenarios" / "example.yaml")


def _times(record: dict, names: tuple[str, ...]) -> list[str]:
    return [record[name] for name in names if record.get(name) is not None]


def test_search_history_attempts_xapi_and_exports_share_one_format(casebook, db_url, tmp_path):
    meetup = add_meetup(casebook, title="Spring meet-up", date="2025-03-24")
    entry = add_entry(casebook, {"kind": "challenge", "text": "Open wifi and banking",
                                 "meetup_id": meetup.id})
    update_entry(casebook, entry.id, {"themes": ["Security"]}, actor="Sam")
    session = start_session(casebook, EXAMPLE, learner="Priya")
    session.choose(0, "very sure")
    session.choose(0, "not sure")

    found: list[str] = []
    for line in run_cli("search", "--db", db_url, "wifi", "--format", "jsonl").stdout.splitlines():
        found += _times(json.loads(line), ("created_at", "updated_at"))
    for line in run_cli("history", "--db", db_url, entry.id, "--format",
                        "jsonl").stdout.splitlines():
        found += _times(json.loads(line), ("at",))
    attempts = run_cli("attempts", "--db", db_url, "--format", "jsonl", check=True).stdout
    for line in attempts.splitlines():
        found += _times(json.loads(line), ("started_at", "finished_at"))
    for line in run_cli("attempts", "--db", db_url, "--format", "xapi").stdout.splitlines():
        found += _times(json.loads(line), ("timestamp",))
    out = tmp_path / "entries.jsonl"
    run_cli("export", "--db", db_url, "--format", "jsonl", "--out", str(out), check=True)
    for line in out.read_text().splitlines():
        found += _times(json.loads(line), ("created_at", "updated_at"))
    out_csv = tmp_path / "entries.csv"
    run_cli("export", "--db", db_url, "--format", "csv", "--out", str(out_csv), check=True)
    with out_csv.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            found += _times(row, ("created_at", "updated_at"))
    package = tmp_path / "package"
    run_cli("export", "--db", db_url, "--format", "datapackage", "--out", str(package),
            check=True)
    with (package / "entries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found += _times(row, ("created_at", "updated_at"))

    # 2 from search, 2 revisions, 2 attempt times, 3 statements, 2 x 3 exports.
    assert len(found) >= 15
    assert [t for t in found if not RFC3339_UTC.match(t)] == []
