"""Grouped counts for dashboards, computed in SQL."""

from casebook import EntryFilter, add_entry, delete_entry
from casebook.stats import MonthCount, label_counts_by_month


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
