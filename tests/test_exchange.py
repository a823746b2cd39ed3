"""Export and import: spreadsheet-safe files, valid data packages, merges by UUID."""

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from casebook import (
    EntryFilter,
    add_entry,
    add_meetup,
    count_entries,
    delete_entry,
    entry_history,
    get_entry,
    list_meetups,
    open_casebook,
    update_entry,
)
from casebook.demo import fill_demo
from casebook.entries import iter_entries
from casebook.exchange.cells import neutralise, restore
from casebook.exchange.export import export_entries
from casebook.exchange.merge import import_entries
from casebook.store.schema import entries

from conftest import run_cli

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+44 is the code", "-5 degrees",
             "@SUM(A1:A9)", "\tTabbed start", "\rCarriage start", "'already quoted",
             "''two quotes"]


def all_entries(cb):
    return {e.id: e for e in iter_entries(cb, EntryFilter(include_deleted=True))}


@pytest.mark.parametrize("value", DANGEROUS + ["plain text", "", "a=b", "It's fine"])
def test_neutralising_is_exactly_reversible(value):
    assert restore(neutralise(value)) == value
    assert not neutralise(value).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.fixture
def risky(casebook):
    meetup = add_meetup(casebook, title="=Formula meet-up", date="2025-03-24",
                        host_network="North")
    made = [add_entry(casebook, {"kind": "note", "text": text, "title": text[:30].strip(),
                                 "themes": ["Security"], "meetup_id": meetup.id,
                                 "library_service": "@Service"})
            for text in DANGEROUS]
    return meetup, made


def test_csv_cells_never_start_like_formulas(casebook, risky, tmp_path):
    out = tmp_path / "entries.csv"
    assert export_entries(casebook, "csv", out) == len(DANGEROUS)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    header = rows[0]
    texts = [row[header.index("text")] for row in rows[1:]]
    # Leading tabs and returns are trimmed when an entry is saved; compare what was stored.
    assert texts == [neutralise(e.text) for e in risky[1]]


def test_xlsx_cells_are_text_never_formulas(casebook, risky, tmp_path):
    out = tmp_path / "entries.xlsx"
    export_entries(casebook, "xlsx", out)
    sheet = load_workbook(out)["entries"]
    header = [c.value for c in sheet[1]]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = [row[header.index("text")].value for row in sheet.iter_rows(min_row=2)]
    assert [restore(t) for t in texts] == [e.text for e in risky[1]]


@pytest.mark.parametrize("fmt, name", [("csv", "x.csv"), ("jsonl", "x.jsonl"),
                                       ("datapackage", "pkg")])
def test_every_format_round_trips_exactly(casebook, risky, tmp_path, fmt, name):
    delete_entry(casebook, risky[1][0].id)
    out = tmp_path / name
    export_entries(casebook, fmt, out, EntryFilter(include_deleted=True))
    target = open_casebook(f"sqlite:///{tmp_path / 'target.db'}")
    first = import_entries(target, out)
    assert (first.added, first.meetups_added, first.problems) == (len(DANGEROUS), 1, [])
    again = import_entries(target, out)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(DANGEROUS))
    assert all_entries(target) == all_entries(casebook)


def test_export_filters_and_leaves_deleted_out_by_default(casebook, tmp_path):
    keep = add_entry(casebook, {"kind": "challenge", "text": "a", "themes": ["Capacity"]})
    add_entry(casebook, {"kind": "approach", "text": "b", "themes": ["Capacity"]})
    gone = add_entry(casebook, {"kind": "challenge", "text": "c"})
    delete_entry(casebook, gone.id)
    out = tmp_path / "x.jsonl"
    assert export_entries(casebook, "jsonl", out, EntryFilter(kinds="challenge")) == 1
    assert json.loads(out.read_text())["id"] == keep.id


@pytest.mark.slow
def test_a_data_package_passes_frictionless_validate(tmp_path):
    cb = open_casebook(f"sqlite:///{tmp_path / 'demo.db'}")
    fill_demo(cb, entries_count=400, seed=11)
    add_entry(cb, {"kind": "note", "text": "=1+1 and <b>bold</b>", "themes": ["Health"]})
    out = tmp_path / "package"
    export_entries(cb, "datapackage", out)
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} == {
        "entries", "meetups", "entry_themes", "entry_offers", "entry_skills", "entry_resources"}
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(frictionless), "validate", str(out / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "INVALID" not in result.stdout and result.stdout.count("VALID") >= 6


@pytest.mark.slow
def test_a_corrupted_package_fails_frictionless_validate(tmp_path):
    cb = open_casebook(f"sqlite:///{tmp_path / 'demo.db'}")
    fill_demo(cb, entries_count=20, seed=2)
    out = tmp_path / "package"
    export_entries(cb, "datapackage", out)
    themes = out / "entry_themes.csv"
    themes.write_text(themes.read_text() + "not-a-uuid,Securty\r\n")
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(frictionless), "validate", str(out / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0


@pytest.mark.slow
def test_demo_casebook_round_trips_through_a_data_package_twice(tmp_path, casebook):
    source = open_casebook(f"sqlite:///{tmp_path / 'source.db'}")
    fill_demo(source, entries_count=1500, seed=4)
    package = tmp_path / "package"
    export_entries(source, "datapackage", package)
    target = casebook  # an empty casebook on each backend
    assert import_entries(target, package).added == 1500
    assert import_entries(target, package).unchanged == 1500
    assert all_entries(target) == all_entries(source)


def test_newer_versions_update_with_history_and_conflicts_are_reported(casebook, tmp_path):
    first = add_entry(casebook, {"kind": "challenge", "text": "Original", "created_by": "A"})
    second = add_entry(casebook, {"kind": "challenge", "text": "Second"})
    out = tmp_path / "network.jsonl"
    export_entries(casebook, "jsonl", out)
    network = open_casebook(f"sqlite:///{tmp_path / 'network.db'}")
    import_entries(network, out)
    # The service edits both after sharing; the network edits the second too, later.
    update_entry(casebook, first.id, {"text": "Edited at the branch"}, actor="A")
    update_entry(casebook, second.id, {"text": "Branch version"}, actor="A")
    update_entry(network, second.id, {"text": "Network version"}, actor="Lead")
    with network.write() as conn:  # the network's edit is the later one
        conn.execute(update(entries).where(entries.c.id == second.id)
                     .values(updated_at=datetime.now(UTC) + timedelta(hours=1)))
    export_entries(casebook, "jsonl", out)
    report = import_entries(network, out)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    assert get_entry(network, first.id).text == "Edited at the branch"
    assert entry_history(network, first.id)[-1].action == "import"
    assert entry_history(network, first.id)[-1].changes == {
        "text": ["Original", "Edited at the branch"]}
    assert [p.row for p in report.conflicts] == [2]
    assert get_entry(network, second.id).text == "Network version"


def test_two_services_merge_into_one_network_casebook_without_duplicates(tmp_path):
    services = []
    for n, name in enumerate(("North", "South")):
        cb = open_casebook(f"sqlite:///{tmp_path / name}.db")
        fill_demo(cb, entries_count=150, seed=n + 20)
        out = tmp_path / f"{name}.csv"
        export_entries(cb, "csv", out)
        services.append(out)
    network = open_casebook(f"sqlite:///{tmp_path / 'network.db'}")
    for out in services + services:
        import_entries(network, out)
    assert count_entries(network) == 300


def test_bad_rows_are_reported_and_good_rows_kept(sqlite_url, tmp_path):
    source = tmp_path / "mixed.csv"
    source.write_text(
        "id,kind,text,themes,meetup_id,updated_at\n"
        ",note,good one,Health,,\n"
        "not-a-uuid,note,bad id,,,\n"
        ",challeng,bad kind,Securty,,\n"
        ",note,bad meetup,,7b0f3d0e-2a8e-4a51-9a55-2b1f2f0c9d11,\n"
        ",note,bad time,,,yesterday\n"
        ",note,another good one,,,\n", encoding="utf-8")
    result = run_cli("import", str(source), "--db", sqlite_url)
    assert result.returncode == 2
    assert result.stdout.startswith("2 added, 0 updated, 0 unchanged, 0 conflicts, 4 bad rows")
    errors = result.stderr.splitlines()
    assert [e.split(":")[0] for e in errors] == ["row 3", "row 4", "row 4", "row 5", "row 6"]
    assert "not in this casebook" in errors[3]
    assert count_entries(open_casebook(sqlite_url)) == 2


def test_an_imported_meetup_is_checked_and_redacted_like_one_made_in_the_app(sqlite_url,
                                                                             tmp_path):
    good, long_title, bad_date = (
        f"7b0f3d0e-2a8e-4a51-9a55-2b1f2f0c9d1{n}" for n in (1, 2, 3))
    source = tmp_path / "meetups.csv"
    source.write_text(
        "kind,text,meetup_id,meetup_title,meetup_date,meetup_host_network\n"
        f"note,kept,{good},Spring meet-up with Mrs Hale,2025-03-24,North network\n"
        f"note,title too long,{long_title},{'x' * 201},2025-03-24,\n"
        f"note,date wrong,{bad_date},Autumn,24th of Smarch,\n", encoding="utf-8")
    result = run_cli("import", str(source), "--db", sqlite_url)
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert errors[0].startswith("row 3: meetup_title: has 201 characters; at most 200")
    assert errors[1].startswith("row 4: meetup_date: '24th of Smarch' is not a date")
    (meetup, count), = list_meetups(open_casebook(sqlite_url))
    assert (meetup.id, meetup.title, count) == (good, "Spring meet-up with Mrs [NAME]", 1)


def test_imported_text_is_redacted(sqlite_url, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"kind": "note", "text": "Ring Mrs Hale on 07700 900777"})
                      + "\n", encoding="utf-8")
    assert run_cli("import", str(source), "--db", sqlite_url).returncode == 0
    (entry,) = iter_entries(open_casebook(sqlite_url))
    assert entry.text == "Ring Mrs [NAME] on [PHONE]"


def test_cli_export_and_import(sqlite_url, tmp_path):
    cb = open_casebook(sqlite_url)
    fill_demo(cb, entries_count=50, seed=3)
    out = tmp_path / "pkg"
    result = run_cli("export", "--db", sqlite_url, "--format", "datapackage", "--out", str(out))
    assert result.returncode == 0 and result.stdout == f"exported 50 entries to {out}\n"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    result = run_cli("import", str(out / "datapackage.json"), "--db", other)
    assert result.returncode == 0 and result.stdout.startswith("50 added")
    refused = run_cli("export", "--db", sqlite_url, "--format", "datapackage",
                      "--out", str(tmp_path / "other.db"))
    assert refused.returncode == 2 and "is not a data package" in refused.stderr
    missing = run_cli("import", str(tmp_path / "nope.csv"), "--db", other)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
