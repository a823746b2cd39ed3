"""An old casebook upgrades to the newest schema with every entry intact."""

from datetime import UTC, datetime

from sqlalchemy import text

from casebook import (
    EntryFilter,
    entry_history,
    get_entry,
    open_casebook,
    search,
    update_entry,
)
from casebook.overview import MonthCount, label_counts_by_month
from casebook.store import SCHEMA_HEAD, migrate_to

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=UTC)


def test_upgrade_from_the_first_revision_keeps_every_entry(db_url):
    old = open_casebook(db_url, upgrade=False)
    migrate_to(old, "0001")
    assert old.revision() == "0001"
    # Written as the first release of the software wrote them: plain SQL against
    # the first revision's tables, since today's API writes today's columns.
    stamp = NOW if old.dialect == "postgresql" else NOW.replace(tzinfo=None)
    with old.write() as conn:
        conn.execute(text("INSERT INTO meetups (id, title, date, created_at) "
                          "VALUES ('0b7e3c1a-1d2e-4f3a-9b8c-7d6e5f4a3b2c', 'Spring', "
                          "'2024-04-10', :now)"), {"now": stamp})
        for seq, (kind, title, body) in enumerate([
            ("challenge", "Open Wi-Fi", "Banking worries on the library network"),
            ("success_story", None, "Found work with a loaned tablet 🙂 ŵ"),
        ], start=1):
            conn.execute(text(
                "INSERT INTO entries (seq, id, kind, title, text, meetup_id, created_by, "
                "status, deleted, is_demo, created_at, updated_at) VALUES (:seq, :id, :kind, "
                ":title, :text, '0b7e3c1a-1d2e-4f3a-9b8c-7d6e5f4a3b2c', 'Ann', 'published', "
                ":false, :false, :now, :now)"),
                {"seq": seq, "id": f"00000000-0000-4000-8000-00000000000{seq}", "kind": kind,
                 "title": title, "text": body, "now": stamp, "false": False})
            conn.execute(text("INSERT INTO entry_labels VALUES (:seq, 'theme', 'Security')"),
                         {"seq": seq})
            conn.execute(text(
                "INSERT INTO entry_revisions (entry_seq, number, action, actor, at, changes) "
                "VALUES (:seq, 1, 'create', 'Ann', :now, '{}')"), {"seq": seq, "now": stamp})
    old.close()

    upgraded = open_casebook(db_url)
    assert upgraded.revision() == SCHEMA_HEAD != "0001"
    first = get_entry(upgraded, "00000000-0000-4000-8000-000000000001")
    second = get_entry(upgraded, "00000000-0000-4000-8000-000000000002")
    assert (first.kind, first.title, first.text, first.themes, first.created_at) == (
        "challenge", "Open Wi-Fi", "Banking worries on the library network", ("Security",), NOW)
    assert second.text == "Found work with a loaned tablet 🙂 ŵ" and second.title is None
    assert first.redactions == {} and first.meetup_id.startswith("0b7e3c1a")
    assert len(entry_history(upgraded, first.id)) == 1
    # Entries written before the search index existed are found by it, and the
    # index keeps up with changes made after the upgrade.
    assert [h.entry.id for h in search(upgraded, "banking")] == [first.id]
    assert [h.entry.id for h in search(upgraded, "loaned tablet")] == [second.id]
    # Label rows gained copies of their entry's fields; the upgrade filled them in.
    assert label_counts_by_month(upgraded, "theme") == [MonthCount("2024-04", "Security", 2)]
    assert label_counts_by_month(upgraded, "theme", EntryFilter(kinds="challenge")) == [
        MonthCount("2024-04", "Security", 1)]
    update_entry(upgraded, second.id, {"text": "Now volunteers at Tea and Tech"})
    assert [h.entry.id for h in search(upgraded, "volunteers")] == [second.id]
    assert search(upgraded, "loaned tablet") == []
