"""How long the dashboard takes to recompute after a filter change.

For each casebook, runs a series of realistic filter changes and times the
dashboard's whole redraw (data, charts and tables, in-process, without the
browser) and, separately, ``casebook.overview.overview()`` alone (the data),
printing medians and p95s. Side by side, it times the theme-by-month count the old way
(joining every entry to its labels) and the new way (label rows alone), and
prints the ratio.

    .venv/bin/python benchmarks/dashboard.py --db sqlite:///var/demo-100k.db \\
        --db sqlite:///var/demo-1m.db
    .venv/bin/python benchmarks/dashboard.py --sizes 100000    # builds demo casebooks first

No timing is asserted anywhere: this prints figures for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from casebook import EntryFilter, count_entries, open_casebook
from casebook.demo import fill_demo, service_names
from casebook.overview import label_counts_by_month, month_of, overview
from casebook.store.schema import entries, entry_labels

REPEATS = 3


def filter_changes() -> list[EntryFilter]:
    """What a manager clicks through: whole network, a service, a region, a kind,
    a theme, a date range, and combinations."""
    import random

    services = [name for name, _ in service_names(150, random.Random(1))][:3]
    return [
        EntryFilter(),
        EntryFilter(since=date(2025, 1, 1), until=date(2025, 12, 31)),
        EntryFilter(services=services[:1]),
        EntryFilter(services=services),
        EntryFilter(regions="Wales"),
        EntryFilter(kinds="challenge"),
        EntryFilter(themes="Scams and fraud"),
        EntryFilter(kinds=["approach", "outcome"], regions="London"),
        EntryFilter(offers="Reading", since=date(2024, 1, 1)),
        EntryFilter(themes=["Health", "Security"], services=services),
    ]


def joined_theme_counts(cb, where: EntryFilter):
    """The theme-by-month count as it was before label rows carried copies."""
    month = month_of(cb.dialect).label("month")
    query = (select(month, entry_labels.c.value, func.count())
             .select_from(entries.join(entry_labels, entry_labels.c.entry_seq == entries.c.seq))
             .where(entry_labels.c.facet == "theme", *where.clauses())
             .group_by(month, entry_labels.c.value))
    with cb.read() as conn:
        return conn.execute(query).all()


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(url: str) -> dict:
    from widgets.dashboard_app import DashboardApp

    cb = open_casebook(url)
    changes = filter_changes()
    app = DashboardApp(casebook=cb)  # also warms the caches, as an open page would have
    redraws, widget, joined, flat = [], [], [], []
    for _ in range(REPEATS):
        for where in changes:
            redraws.append(timed(lambda w=where: overview(cb, w)))
            # The whole redraw a filter change causes: data, charts, tables.
            app.current_filter = lambda w=where: w
            widget.append(timed(app.redraw))
            joined.append(timed(lambda w=where: joined_theme_counts(cb, w)))
            flat.append(timed(lambda w=where: label_counts_by_month(cb, "theme", w)))
    quantile = statistics.quantiles(redraws, n=20)[18]
    return {"entries": count_entries(cb), "backend": cb.dialect,
            "redraw_median": statistics.median(redraws), "redraw_p95": quantile,
            "widget_median": statistics.median(widget),
            "widget_p95": statistics.quantiles(widget, n=20)[18],
            "joined": statistics.median(joined), "flat": statistics.median(flat),
            "samples": len(redraws)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", default=[], help="an existing casebook")
    parser.add_argument("--sizes", type=int, nargs="*", default=[],
                        help="build demo casebooks of these sizes first (SQLite, temporary)")
    args = parser.parse_args()
    urls = list(args.db)
    folder = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    for size in args.sizes:
        url = f"sqlite:///{folder / f'demo-{size}.db'}"
        fill_demo(open_casebook(url), entries_count=size, seed=size)
        urls.append(url)
    print(f"## Dashboard benchmark ({time.strftime('%Y-%m-%d %H:%M')})\n")
    print(f"- {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; {len(filter_changes())} filter changes x {REPEATS}\n")
    print("| Backend | Entries | Page redraw median (s) | Page redraw p95 (s) "
          "| Data only median (s) | Data only p95 (s) | Theme count, joined (s) "
          "| Theme count, label rows (s) | Ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for url in urls:
        r = measure(url)
        print(f"| {r['backend']} | {r['entries']:,} | {r['widget_median']:.3f} | "
              f"{r['widget_p95']:.3f} | {r['redraw_median']:.3f} | "
              f"{r['redraw_p95']:.3f} | {r['joined']:.3f} | {r['flat']:.3f} | "
              f"{r['joined'] / r['flat']:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
