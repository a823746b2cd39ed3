"""Entries on both backends: create, change, soft delete, restore, and the audit trail."""

from datetime import UTC, datetime

import pytest

from casebook import (
    EntryFilter,
    NotFound,
    ValidationError,
    add_entry,
    add_meetup,
    count_entries,
    delete_entry,
    entry_history,
    get_entry,
    list_entries,
    list_meetups,
    restore_entry,
    update_entry,
)


@pytest.fixture
def meetup(casebook):
    return add_meetup(casebook, title="Back to basics", date="2025-02-20",
                      host_network="North network")


def test_new_entry_has_uuid_utc_times_and_every_field(casebook, meetup):
    before = datetime.now(UTC)
    entry = add_entry(casebook, {
        "kind": "challenge", "title": "Open Wi-Fi", "text": "Customers ask if it is safe.",
        "themes": ["Security"], "offers": ["Digital and Information"],
        "skills": ["Being safe and legal online"], "library_service": "Leeds Libraries",
        "region": "Yorkshire and the Humber", "meetup_id": meetup.id, "created_by": "Sam",
    })
    stored = get_entry(casebook, entry.id)
    assert stored == entry
    assert len(entry.id) == 36 and entry.id.count("-") == 4
    assert entry.created_at.tzinfo == UTC and entry.created_at >= before
    assert (entry.themes, entry.offers, entry.skills) == (
        ("Security",), ("Digital and Information",), ("Being safe and legal online",))
    assert (entry.status, entry.deleted, entry.is_demo) == ("published", False, False)
    assert entry.meetup_id == meetup.id and entry.region == "Yorkshire and the Humber"


def test_update_records_old_and_new_values_with_actor(casebook):
    entry = add_entry(casebook, {"kind": "challenge", "text": "Too few volunteers",
                                 "created_by": "Ann"})
    changed = update_entry(casebook, entry.id, {"themes": ["Capacity"], "title": "Volunteers"},
                           actor="Bob")
    assert changed.themes == ("Capacity",) and changed.title == "Volunteers"
    assert changed.updated_at > entry.updated_at and changed.created_at == entry.created_at
    revisions = entry_history(casebook, entry.id)
    assert [r.action for r in revisions] == ["create", "update"]
    assert revisions[0].actor == "Ann" and revisions[0].changes["text"] == [None,
                                                                              "Too few volunteers"]
    assert revisions[1].actor == "Bob"
    assert revisions[1].changes == {"themes": [[], ["Capacity"]], "title": [None, "Volunteers"]}
    assert all(r.at.tzinfo == UTC for r in revisions)


def test_an_update_that_changes_nothing_records_nothing(casebook):
    entry = add_entry(casebook, {"kind": "note", "text": "x", "themes": ["Health", "Capacity"]})
    update_entry(casebook, entry.id, {"themes": ["Capacity", "Health"], "text": " x "})
    assert len(entry_history(casebook, entry.id)) == 1


def test_bad_update_changes_nothing(casebook):
    entry = add_entry(casebook, {"kind": "note", "text": "keep me"})
    with pytest.raises(ValidationError):
        update_entry(casebook, entry.id, {"text": "", "kind": "nope"})
    assert get_entry(casebook, entry.id) == entry
    assert len(entry_history(casebook, entry.id)) == 1


def test_delete_is_soft_and_restorable(casebook):
    keep = add_entry(casebook, {"kind": "note", "text": "keep"})
    gone = add_entry(casebook, {"kind": "note", "text": "delete me"})
    delete_entry(casebook, gone.id, actor="Sam")
    assert count_entries(casebook) == 1
    assert [e.id for e in list_entries(casebook)] == [keep.id]
    assert get_entry(casebook, gone.id).deleted is True
    assert count_entries(casebook, EntryFilter(include_deleted=True)) == 2
    with pytest.raises(ValidationError, match="restore it first"):
        update_entry(casebook, gone.id, {"text": "edited"})
    restore_entry(casebook, gone.id, actor="Sam")
    assert count_entries(casebook) == 2
    actions = [(r.action, r.actor, r.changes) for r in entry_history(casebook, gone.id)]
    assert actions[1:] == [("delete", "Sam", {"deleted": [False, True]}),
                           ("restore", "Sam", {"deleted": [True, False]})]


def test_unknown_ids_raise_not_found(casebook):
    for call in (lambda: get_entry(casebook, "00000000-0000-4000-8000-000000000000"),
                 lambda: entry_history(casebook, "nope"),
                 lambda: delete_entry(casebook, "nope")):
        with pytest.raises(NotFound, match="no entry has id"):
            call()


def test_filters_and_counts(casebook, meetup):
    add_entry(casebook, {"kind": "challenge", "text": "a", "themes": ["Security"],
                         "library_service": "Leeds Libraries", "meetup_id": meetup.id})
    add_entry(casebook, {"kind": "challenge", "text": "b", "themes": ["Capacity", "Security"],
                         "library_service": "York Libraries"})
    add_entry(casebook, {"kind": "approach", "text": "c", "themes": ["Capacity"],
                         "offers": ["Reading"], "library_service": "York Libraries"})
    assert count_entries(casebook) == 3
    assert count_entries(casebook, EntryFilter(kinds="challenge")) == 2
    assert count_entries(casebook, EntryFilter(themes="Security")) == 2
    assert count_entries(casebook, EntryFilter(themes=["Security", "Capacity"])) == 3
    assert count_entries(casebook, EntryFilter(themes="Security", services="York Libraries")) == 1
    assert count_entries(casebook, EntryFilter(offers="Reading")) == 1
    assert count_entries(casebook, EntryFilter(meetup_id=meetup.id)) == 1
    today = datetime.now(UTC).date()
    assert count_entries(casebook, EntryFilter(since=today, until=today)) == 3
    assert count_entries(casebook, EntryFilter(until=today.replace(year=today.year - 1))) == 0
    assert list_meetups(casebook)[0][1] == 1


def test_created_at_can_be_given_for_imported_entries(casebook):
    entry = add_entry(casebook, {"kind": "note", "text": "from 2023",
                                 "created_at": "2023-05-01T09:30:00+01:00"})
    assert entry.created_at == datetime(2023, 5, 1, 8, 30, tzinfo=UTC)
    assert count_entries(casebook, EntryFilter(until=datetime(2023, 5, 1).date())) == 1


def test_an_entry_id_cannot_be_reused(casebook):
    entry = add_entry(casebook, {"kind": "note", "text": "first"})
    with pytest.raises(ValidationError, match="exists"):
        add_entry(casebook, {"kind": "note", "text": "second", "id": entry.id})


def test_meetup_needs_title_and_date(casebook):
    with pytest.raises(ValidationError) as caught:
        add_meetup(casebook, title=" ", date="24/03/2025")
    assert {p.field for p in caught.value.problems} == {"title", "date"}


def test_resources_named_in_an_entry_are_recognised_and_kept_up_to_date(casebook):
    text = "Learn My Way and National Databank SIMs; the Device Bank"
    entry = add_entry(casebook, {"kind": "resource", "title": "Free data", "text": text})
    assert entry.resources == ("Learn My Way", "National Databank", "National Device Bank")
    changed = update_entry(casebook, entry.id, {"text": "Now we use Digital Unite"})
    assert changed.resources == ("Digital Unite",)
    assert get_entry(casebook, entry.id).resources == ("Digital Unite",)
