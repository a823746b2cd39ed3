"""How fast the casebook store writes, searches and counts, on SQLite and on PostgreSQL.

It measures, for each backend:

* concurrent writes: 8 writer processes each add entries one at a time with
  ``add_entry`` (one transaction per entry) to one fresh casebook; it reports
  commit latency (median, p99) and entries per second overall;
* reads at 100,000 and 1,000,000 entries (the casebook is grown with
  ``fill_demo``): search latency (median, p95) over a series of realistic
  queries with and without filters, and the time to count entries per theme
  per month (``label_counts_by_month``), unfiltered and filtered.

It prints the machine it ran on and markdown tables to paste into the README.
Nothing is asserted: the figures are for reading, and they are noisy on a busy
machine. Run it from the repository root:

    .venv/bin/python benchmarks/store.py [--quick]

``--quick`` (10,000 entries, 50 entries per writer) takes about a minute; the
full run takes 15-25 minutes. PostgreSQL is measured when ``--postgres`` or
``CASEBOOK_TEST_POSTGRES`` gives a server URL; the role needs CREATEDB, since
the run creates a database of its own and drops it at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import select
from sqlalchemy.engine import make_url

from casebook.demo import SAYINGS, fill_demo
from casebook.entries import add_entry, count_entries
from casebook.filters import EntryFilter
from casebook.overview import label_counts_by_month
from casebook.search import search
from casebook.store import Casebook, open_casebook
from casebook.store.schema import entries
from casebook.taxonomy import KINDS, THEMES

POSTGRES_ENV = "CASEBOOK_TEST_POSTGRES"
FULL_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000,)
WRITERS = 8
PER_WRITER = 250
QUICK_PER_WRITER = 50
SEARCH_PASSES = 3
COUNT_RUNS = 5
# Long enough for eight processes to import SQLAlchemy on a loaded two-core machine.
WRITER_TIMEOUT_S = 600

# (query, filter) pairs; each query is also run without its filter. The words
# come from what staff actually write about (and the demo data echoes), plus a
# few that match nothing, since people search for those too.
SEARCHES: tuple[tuple[str, str], ...] = (
    ("wifi", "theme:Security"),
    ("open wifi banking", "kind:challenge"),
    ("Wi-Fi", "recent"),
    ("scam text", "theme:Scams and fraud"),
    ("parcel delivery scam", "recent"),
    ("HMRC messages", "kind:enquiry"),
    ("NHS App", "theme:Health"),
    ("repeat prescriptions", "service"),
    ("NHS login identity", "recent"),
    ("universal credit journal", "theme:Benefits and money"),
    ("social tariff broadband", "service"),
    ("loaned tablet", "kind:success_story"),
    ("data SIMs home internet", "theme:Devices and data"),
    ("screen magnifier", "service"),
    ("large-print guides", "recent"),
    ("CV email", "kind:challenge"),
    ("volunteers training", "theme:Capability and confidence"),
    ("Tea and Tech", "kind:approach"),
    ("printing boarding pass", "recent"),
    ("jobcentre refers drop-ins", "service"),
)


@dataclass
class WriteResult:
    entries: int
    expected: int
    seconds: float
    latencies_ms: list[float]


@dataclass
class ReadResult:
    size: int
    added: int
    fill_seconds: float
    search_ms: list[float]
    by_query_ms: dict[str, float]
    count_ms: list[float]
    count_filtered_ms: list[float]


@dataclass
class BackendResult:
    name: str
    version: str
    write: WriteResult | None = None
    reads: list[ReadResult] = field(default_factory=list)


# --- writes -------------------------------------------------------------------------------


def _writer_entry(writer: int, number: int) -> dict:
    theme = THEMES[(writer + number) % len(THEMES)]
    return {
        "kind": KINDS[number % len(KINDS)],
        "text": f"{SAYINGS[theme][number % 2]} (writer {writer}, note {number})",
        "themes": [theme],
        "library_service": f"Bench {writer} Libraries",
    }


def _writer(url: str, writer: int, count: int, barrier, results) -> None:
    """One writer process: open the casebook, wait for the others, then add entries."""
    try:
        cb = open_casebook(url)
        try:
            # Everyone starts together, so the writers really do contend for the database.
            barrier.wait(timeout=WRITER_TIMEOUT_S)
            # perf_counter is CLOCK_MONOTONIC on Linux, one clock for every process,
            # so the parent can compare starts and ends from different writers.
            start = time.perf_counter()
            latencies = []
            for number in range(count):
                data = _writer_entry(writer, number)
                began = time.perf_counter()
                add_entry(cb, data, actor=f"bench writer {writer}")
                latencies.append((time.perf_counter() - began) * 1000)
            end = time.perf_counter()
        finally:
            cb.close()
        results.put((writer, start, end, latencies, None))
    except Exception as exc:  # reported by the parent, which would otherwise wait forever
        results.put((writer, 0.0, 0.0, [], f"{type(exc).__name__}: {exc}"))


def measure_writes(url: str, writers: int, per_writer: int) -> WriteResult:
    # spawn: each writer is a fresh interpreter with its own engine, as separate
    # app processes would be, and nothing inherited from the parent's connections.
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, w, per_writer, barrier, results))
             for w in range(writers)]
    for proc in procs:
        proc.start()
    outcomes = []
    try:
        for _ in procs:
            outcomes.append(results.get(timeout=WRITER_TIMEOUT_S))
    except queue.Empty:
        raise RuntimeError("a writer process died without reporting") from None
    finally:
        for proc in procs:
            proc.join(timeout=60)
    errors = [f"writer {w}: {err}" for w, _, _, _, err in outcomes if err]
    if errors:
        raise RuntimeError("; ".join(errors))
    seconds = max(o[2] for o in outcomes) - min(o[1] for o in outcomes)
    latencies = [ms for o in outcomes for ms in o[3]]
    cb = open_casebook(url)
    try:
        stored = count_entries(cb)
    finally:
        cb.close()
    return WriteResult(stored, writers * per_writer, seconds, latencies)


# --- reads --------------------------------------------------------------------------------


def grow(cb: Casebook, size: int) -> tuple[int, float]:
    """Fill the casebook up to ``size`` entries; returns (entries added, seconds)."""
    missing = size - count_entries(cb)
    if missing <= 0:
        return 0, 0.0
    started = time.perf_counter()
    # A seed per size: the same seed twice would make the same UUIDs twice.
    fill_demo(cb, entries_count=missing, seed=size)
    seconds = time.perf_counter() - started
    if cb.dialect == "postgresql":
        # Autovacuum would analyse and vacuum the new rows within minutes anyway;
        # doing it now means every run measures that steady state, not a race with it.
        with cb.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return missing, seconds


def _make_filter(spec: str, service: str) -> EntryFilter:
    what, _, value = spec.partition(":")
    if what == "theme":
        return EntryFilter(themes=value)
    if what == "kind":
        return EntryFilter(kinds=value)
    if what == "service":
        return EntryFilter(services=service)
    if what == "recent":
        today = date.today()
        return EntryFilter(since=today - timedelta(days=365), until=today)
    raise ValueError(f"unknown filter {spec!r}")


def search_cases(cb: Casebook) -> list[tuple[str, str, EntryFilter | None]]:
    """(label, query, filter) for every query, unfiltered and filtered."""
    with cb.read() as conn:
        # Any demo service will do; asking the database keeps this in step with fill_demo.
        service = conn.execute(
            select(entries.c.library_service).where(entries.c.is_demo.is_(True)).limit(1)
        ).scalar_one()
    cases: list[tuple[str, str, EntryFilter | None]] = []
    for query, spec in SEARCHES:
        cases.append((f'"{query}"', query, None))
        cases.append((f'"{query}" [{spec}]', query, _make_filter(spec, service)))
    return cases


def _timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure_reads(cb: Casebook, size: int, added: int, fill_seconds: float) -> ReadResult:
    cases = search_cases(cb)
    by_query: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    # The first pass is a warm-up: it fills the caches a running app would have warm.
    for run in range(SEARCH_PASSES + 1):
        for label, query, where in cases:
            ms = _timed_ms(lambda q=query, w=where: search(cb, q, w, limit=20))
            if run:
                by_query[label].append(ms)
    chosen = EntryFilter(kinds="challenge")
    count_ms, filtered_ms = [], []
    for run in range(COUNT_RUNS + 1):
        plain = _timed_ms(lambda: label_counts_by_month(cb, "theme"))
        filtered = _timed_ms(lambda: label_counts_by_month(cb, "theme", chosen))
        if run:
            count_ms.append(plain)
            filtered_ms.append(filtered)
    return ReadResult(
        size=size, added=added, fill_seconds=fill_seconds,
        search_ms=[ms for values in by_query.values() for ms in values],
        by_query_ms={label: statistics.median(v) for label, v in by_query.items()},
        count_ms=count_ms, count_filtered_ms=filtered_ms,
    )


# --- backends -----------------------------------------------------------------------------


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A new, empty database on the server of ``url``, dropped afterwards."""
    name = f"casebook_bench_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            # FORCE: a writer that crashed may still hold a connection.
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def postgres_version(url: str) -> str:
    with psycopg.connect(_libpq(url)) as conn:
        settings = {
            name: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]
            for name in ("server_version", "shared_buffers", "synchronous_commit")
        }
    return (f"PostgreSQL {settings['server_version']} (shared_buffers "
            f"{settings['shared_buffers']}, synchronous_commit {settings['synchronous_commit']})")


def run_backend(result: BackendResult, url: str, sizes: list[int], writers: int,
                per_writer: int) -> BackendResult:
    log(f"{result.name}: creating the casebook")
    open_casebook(url).close()
    log(f"{result.name}: {writers} writers x {per_writer} entries")
    result.write = measure_writes(url, writers, per_writer)
    log(f"{result.name}: {result.write.entries} entries written in {result.write.seconds:.1f} s")
    cb = open_casebook(url)
    try:
        for size in sizes:
            log(f"{result.name}: filling to {size:,} entries")
            added, fill_seconds = grow(cb, size)
            log(f"{result.name}: added {added:,} in {fill_seconds:.0f} s; measuring reads")
            result.reads.append(measure_reads(cb, size, added, fill_seconds))
    finally:
        cb.close()
    return result


# --- report -------------------------------------------------------------------------------


def log(message: str) -> None:
    # Progress goes to stderr so stdout holds only the report.
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def machine() -> list[str]:
    cpu, memory = platform.processor() or "unknown", "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass  # not Linux: keep what platform knows
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"- CPU: {cpu}, {cpus} cores available (nproc)",
        f"- Memory: {memory}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}",
        f"- Load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def _pct(values: list[float], percent: int) -> float:
    # "inclusive" interpolates between samples, never beyond the slowest one.
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def report(results: list[BackendResult], writers: int, per_writer: int,
           machine_lines: list[str], skipped: str | None) -> None:
    print(f"## Store benchmark ({datetime.now():%Y-%m-%d %H:%M})\n")
    print("\n".join(machine_lines))
    for r in results:
        print(f"- {r.version}")
    if skipped:
        print(f"- {skipped}")
    print(f"- Load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    print(f"\n### Concurrent writes ({writers} processes x {per_writer} entries, "
          "one add_entry transaction each)\n")
    print("| Backend | Entries stored | Commit median (ms) | Commit p99 (ms) | Entries/s |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        w = r.write
        stored = f"{w.entries:,}"
        if w.entries != w.expected:
            stored += f" (expected {w.expected:,})"
        print(f"| {r.name} | {stored} | {statistics.median(w.latencies_ms):.1f} "
              f"| {_pct(w.latencies_ms, 99):.1f} | {w.entries / w.seconds:,.0f} |")

    print(f"\n### Reads ({len(SEARCHES) * 2} searches x {SEARCH_PASSES} passes after a warm-up; "
          f"grouped count: entries per theme per month, median of {COUNT_RUNS})\n")
    print("| Backend | Entries | Fill time | Search median (ms) | Search p95 (ms) "
          "| Grouped count (ms) | Grouped count, kind=challenge (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for rd in r.reads:
            fill = f"+{rd.added:,} in {rd.fill_seconds:.0f} s" if rd.added else "-"
            print(f"| {r.name} | {rd.size:,} | {fill} | {statistics.median(rd.search_ms):.1f} "
                  f"| {_pct(rd.search_ms, 95):.1f} | {statistics.median(rd.count_ms):.0f} "
                  f"| {statistics.median(rd.count_filtered_ms):.0f} |")

    print("\n### Slowest searches (median ms)\n")
    for r in results:
        for rd in r.reads:
            slowest = sorted(rd.by_query_ms.items(), key=lambda kv: kv[1], reverse=True)[:5]
            listed = "; ".join(f"{label} {ms:.0f}" for label, ms in slowest)
            print(f"- {r.name}, {rd.size:,} entries: {listed}")


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: sizes {QUICK_SIZES[0]:,}, {QUICK_PER_WRITER} per writer")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        help="casebook sizes to read at, comma-separated (default 100000,1000000)")
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--per-writer", type=int, help=f"entries per writer (default {PER_WRITER})")
    parser.add_argument("--postgres", default=os.environ.get(POSTGRES_ENV),
                        help=f"PostgreSQL server URL (default ${POSTGRES_ENV})")
    parser.add_argument("--workdir", type=Path, help="folder for the SQLite file (default: temp)")
    args = parser.parse_args(argv)
    args.sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES))
    args.per_writer = args.per_writer or (QUICK_PER_WRITER if args.quick else PER_WRITER)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    machine_lines = machine()
    results, skipped = [], None
    with tempfile.TemporaryDirectory(prefix="casebook_bench_", dir=args.workdir) as tmp:
        url = f"sqlite:///{Path(tmp) / 'casebook.db'}"
        sqlite = BackendResult("SQLite", f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=FULL)")
        results.append(run_backend(sqlite, url, args.sizes, args.writers, args.per_writer))
    if args.postgres:
        postgres = BackendResult("PostgreSQL", postgres_version(args.postgres))
        with postgres_database(args.postgres) as url:
            results.append(run_backend(postgres, url, args.sizes, args.writers, args.per_writer))
    else:
        skipped = f"PostgreSQL skipped: no --postgres URL and ${POSTGRES_ENV} is not set"
        log(skipped)
    report(results, args.writers, args.per_writer, machine_lines, skipped)


if __name__ == "__main__":
    main()
