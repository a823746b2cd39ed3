"""Demo data: plausible, reproducible, marked as demo, spread over years and services."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from casebook import EntryFilter, ValidationError, count_entries, list_entries, list_meetups
from casebook.demo import fill_demo
from casebook.store.schema import entries, entry_revisions
from casebook.taxonomy import KINDS, THEMES

from conftest import run_cli


def test_demo_fills_five_years_and_about_150_services(casebook):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    summary = fill_demo(casebook, entries_count=3000, seed=7, now=now)
    assert summary.entries == 3000 and summary.services == 150
    assert count_entries(casebook) == 3000
    with casebook.read() as conn:
        first, last, services, demo, kinds = conn.execute(select(
            func.min(entries.c.created_at), func.max(entries.c.created_at),
            func.count(entries.c.library_service.distinct()),
            func.count().filter(entries.c.is_demo.is_(True)),
            func.count(entries.c.kind.distinct()),
        )).one()
        revisions = conn.execute(select(func.count()).select_from(entry_revisions)).scalar()
    assert now - timedelta(days=5 * 365 + 1) <= first < now - timedelta(days=4 * 365)
    assert now - timedelta(days=60) < last <= now
    assert services >= 140 and demo == 3000 and kinds == len(KINDS) and revisions == 3000
    sample = list_entries(casebook, limit=50)
    assert all(e.themes and set(e.themes) <= set(THEMES) and e.is_demo for e in sample)
    assert all(e.region and e.library_service.endswith("Libraries") for e in sample)
    meetups = list_meetups(casebook)
    assert all(m.is_demo for m, _ in meetups) and sum(n for _, n in meetups) > 1000


def test_the_same_seed_gives_the_same_entries(tmp_path):
    ids = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        assert run_cli("demo", "--db", url, "--entries", "200", "--seed", "3").returncode == 0
        from casebook import open_casebook
        ids.append([e.id for e in list_entries(open_casebook(url), limit=500)])
    assert len(ids[0]) == 200 and sorted(ids[0]) == sorted(ids[1])


def test_demo_adds_to_existing_entries(casebook):
    fill_demo(casebook, entries_count=10, seed=1)
    fill_demo(casebook, entries_count=15, seed=2)
    assert count_entries(casebook) == 25
    assert count_entries(casebook, EntryFilter(kinds=KINDS)) == 25


def test_the_same_seed_twice_is_refused_and_changes_nothing(sqlite_url):
    assert run_cli("demo", "--db", sqlite_url, "--entries", "30").returncode == 0
    again = run_cli("demo", "--db", sqlite_url, "--entries", "30")
    assert again.returncode == 2
    assert "seed: 1 has already filled this casebook with demo data" in again.stderr
    assert "another --seed" in again.stderr and "UNIQUE" not in again.stderr
    from casebook import open_casebook
    assert count_entries(open_casebook(sqlite_url)) == 30
    assert run_cli("demo", "--db", sqlite_url, "--entries", "30", "--seed", "2").returncode == 0


def test_bad_sizes_are_refused(casebook, sqlite_url):
    import pytest
    with pytest.raises(ValidationError, match="entries"):
        fill_demo(casebook, entries_count=0)
    result = run_cli("demo", "--db", sqlite_url, "--entries", "-5")
    assert result.returncode == 2 and "whole number" in result.stderr


def test_demo_text_covers_every_theme_and_kind():
    # A renamed or added theme or kind must get demo sayings too.
    from casebook.demo import KIND_ENDINGS, KIND_WEIGHTS, SAYINGS
    from casebook.taxonomy import KINDS, THEMES

    assert set(SAYINGS) == set(THEMES)
    assert set(KIND_ENDINGS) == set(KINDS) == set(KIND_WEIGHTS)
