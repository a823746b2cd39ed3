"""Grouped counts for dashboards, computed in SQL."""

from casebook import EntryFilter, add_entry, delete_entry
from casebook.overview import MonthCount, label_counts_by_month


def test_entries_per_theme_per_month(casebook):
    def add(when, themes, kind="challenge"):
        return add_entry(casebook, {"kind": kind, "text": "x", "themes": themes,
                                    "created_at": when})

    add("2025-01-31T23:30:00-01:00", ["Security"])  # 00:30 UTC on 1 February
    add("2025-01-15T12:00:00Z", ["Security", "Capacity"])
    add("2025-02-03T09:00:00Z", ["Security"], kind="approach")
    gone = add("2025-02-04T09:00:00Z", ["Security"])
    delete_entry(casebook, gone.id)
    assert label_counts_by_month(casebook) == [
        MonthCount("2025-01", "Capacity", 1),
        MonthCount("2025-01", "Security", 1),
        MonthCount("2025-02", "Security", 2),
    ]
    assert label_counts_by_month(casebook, where=EntryFilter(kinds="approach")) == [
        MonthCount("2025-02", "Security", 1)]
    assert label_counts_by_month(casebook, "offer") == []


def _reference(casebook, facet, where):
    """The same counts the slow, obvious way: join every entry to its labels."""
    from sqlalchemy import func, select

    from casebook.overview import month_of
    from casebook.store.schema import entries, entry_labels

    month = month_of(casebook.dialect).label("month")
    query = (select(month, entry_labels.c.value, func.count())
             .select_from(entries.join(entry_labels, entry_labels.c.entry_seq == entries.c.seq))
             .where(entry_labels.c.facet == facet, *where.clauses())
             .group_by(month, entry_labels.c.value).order_by(month, entry_labels.c.value))
    with casebook.read() as conn:
        return [MonthCount(*row) for row in conn.execute(query)]


def test_label_copies_give_the_same_counts_as_joining_entries(casebook):
    from datetime import date

    from casebook import list_entries, restore_entry, update_entry
    from casebook.demo import fill_demo

    fill_demo(casebook, entries_count=600, seed=5)
    some = list_entries(casebook, limit=40)
    for entry in some[:10]:
        update_entry(casebook, entry.id, {"kind": "approach", "library_service": "Moved"})
    for entry in some[10:20]:
        delete_entry(casebook, entry.id)
    for entry in some[15:20]:
        restore_entry(casebook, entry.id)
    for entry in some[20:25]:
        update_entry(casebook, entry.id, {"themes": ["Health"], "offers": ["Reading"]})
    service = some[30].library_service
    filters = [
        EntryFilter(), EntryFilter(kinds="challenge"), EntryFilter(kinds=["approach", "outcome"]),
        EntryFilter(services=[service, "Moved"]), EntryFilter(regions="Wales"),
        EntryFilter(themes=["Health", "Security"]), EntryFilter(offers="Reading"),
        EntryFilter(skills="Transacting", kinds="resource"),
        EntryFilter(since=date(2023, 1, 1), until=date(2024, 6, 30)),
        EntryFilter(statuses="published", include_deleted=True),
    ]
    for facet in ("theme", "offer", "resource"):
        for where in filters:
            assert label_counts_by_month(casebook, facet, where) == \
                _reference(casebook, facet, where), (facet, where)
