"""An old casebook upgrades to the newest schema with every entry intact."""

from casebook import add_entry, add_meetup, entry_history, get_entry, open_casebook, search
from casebook.store import SCHEMA_HEAD, migrate_to


def test_upgrade_from_the_first_revision_keeps_every_entry(db_url):
    old = open_casebook(db_url, upgrade=False)
    migrate_to(old, "0001")
    assert old.revision() == "0001"
    meetup = add_meetup(old, title="Spring meet-up", date="2024-04-10")
    added = [
        add_entry(old, {"kind": "challenge", "title": "Open Wi-Fi", "text": "Banking worries",
                        "themes": ["Security"], "meetup_id": meetup.id, "created_by": "Ann"}),
        add_entry(old, {"kind": "success_story", "text": "Found work with a loaned tablet 🙂",
                        "offers": ["Digital and Information"], "skills": ["Transacting"]}),
    ]
    old.close()

    upgraded = open_casebook(db_url)
    assert upgraded.revision() == SCHEMA_HEAD != "0001"
    for entry in added:
        assert get_entry(upgraded, entry.id) == entry
        assert len(entry_history(upgraded, entry.id)) == 1
    # Entries written before the search index existed are found by it.
    assert [h.entry.id for h in search(upgraded, "banking")] == [added[0].id]
    assert [h.entry.id for h in search(upgraded, "loaned tablet")] == [added[1].id]
