"""Sub-commands for entries: init, add, count, search, history, demo."""

from __future__ import annotations

import argparse
import json
import sys

from .. import entries as entry_api
from ..demo import fill_demo
from ..errors import CasebookError
from ..search import search
from ..store import Casebook
from ..taxonomy import KINDS, OFFERS, SKILLS, STATUSES, THEMES
from .common import (
    EXIT_BAD_INPUT,
    filter_from,
    filter_options,
    open_casebook_of,
    positive,
)


def cmd_init(args: argparse.Namespace) -> int:
    casebook = open_casebook_of(args)
    print(casebook.revision())
    return 0

def cmd_add(args: argparse.Namespace) -> int:
    if args.jsonl:
        given = [f"--{name}" for name in ("kind", "text", "title", "theme", "offer", "skill",
                                          "service", "region", "meetup", "by", "status")
                 if getattr(args, name) is not None]
        if given:
            raise CasebookError(
                f"--jsonl reads every field from its lines; drop {', '.join(given)}"
            )
        return _add_jsonl(open_casebook_of(args), args.jsonl)
    casebook = open_casebook_of(args)
    missing = [flag for flag, value in (("--kind", args.kind), ("--text", args.text))
               if value is None]
    if missing:
        raise CasebookError(f"add needs {' and '.join(missing)} (or --jsonl FILE)")
    data = {
        "kind": args.kind, "text": args.text, "title": args.title, "themes": args.theme or [],
        "offers": args.offer or [], "skills": args.skill or [], "library_service": args.service,
        "region": args.region, "meetup_id": args.meetup, "created_by": args.by,
        "status": args.status,
    }
    entry = entry_api.add_entry(casebook, {k: v for k, v in data.items() if v is not None})
    print(entry.id)
    return 0

def _add_jsonl(casebook: Casebook, source: str) -> int:
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    bad = 0
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise CasebookError(f"expected a JSON object, found {type(data).__name__}")
                entry = entry_api.add_entry(casebook, data)
            except json.JSONDecodeError as exc:
                bad += 1
                print(f"line {number}: not valid JSON: {exc.msg} at column {exc.colno}",
                      file=sys.stderr)
                continue
            except CasebookError as exc:
                bad += 1
                print(f"line {number}: {exc}", file=sys.stderr)
                continue
            # Printed only once committed: every UUID on stdout is a durable entry.
            print(entry.id, flush=True)
    return EXIT_BAD_INPUT if bad else 0

def cmd_count(args: argparse.Namespace) -> int:
    print(entry_api.count_entries(open_casebook_of(args), filter_from(args)))
    return 0

def cmd_search(args: argparse.Namespace) -> int:
    hits = search(open_casebook_of(args), args.query, filter_from(args), limit=args.limit)
    if args.format == "jsonl":
        for hit in hits:
            print(json.dumps({**hit.entry.to_dict(), "score": hit.score}, ensure_ascii=False))
        return 0
    if not hits:
        print("No entries match.")
    for hit in hits:
        e = hit.entry
        headline = e.title or e.text.splitlines()[0]
        if len(headline) > 70:
            headline = headline[:69] + "…"
        print(f"{e.id}  {e.created_at:%Y-%m-%d}  {e.kind:<13}  {headline}")
    return 0

def cmd_history(args: argparse.Namespace) -> int:
    revisions = entry_api.entry_history(open_casebook_of(args), args.id)
    for rev in revisions:
        if args.format == "jsonl":
            print(json.dumps(rev.to_dict(), ensure_ascii=False))
            continue
        who = rev.actor or "unknown"
        print(f"#{rev.number}  {rev.at:%Y-%m-%d %H:%M:%S}Z  {rev.action}  by {who}")
        for field, (old, new) in rev.changes.items():
            print(f"    {field}: {json.dumps(old, ensure_ascii=False)} → "
                  f"{json.dumps(new, ensure_ascii=False)}")
    return 0

def cmd_demo(args: argparse.Namespace) -> int:
    summary = fill_demo(open_casebook_of(args), entries_count=args.entries, seed=args.seed)
    print(f"added {summary.entries} demo entries from {summary.services} library services "
          f"at {summary.meetups} meet-ups")
    return 0


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    command("init", cmd_init, "Create the casebook or upgrade it to the newest schema; "
                              "print the schema revision.")

    add = command("add", cmd_add, "Add an entry from options, or many from JSON lines; "
                                  "print each new entry's UUID.")
    add.add_argument("--jsonl", metavar="FILE", help="read one JSON object per line ('-' for "
                     "stdin); each line is saved on its own, bad lines are reported and skipped")
    add.add_argument("--kind", help=f"one of: {', '.join(KINDS)}")
    add.add_argument("--text", help="what was said or learned (1 to 10,000 characters)")
    add.add_argument("--title", help="a short title (up to 200 characters)")
    add.add_argument("--theme", action="append", help=f"repeatable; one of: {', '.join(THEMES)}")
    add.add_argument("--offer", action="append", help=f"repeatable; one of: {', '.join(OFFERS)}")
    add.add_argument("--skill", action="append", help=f"repeatable; one of: {', '.join(SKILLS)}")
    add.add_argument("--service", help="the library service it comes from")
    add.add_argument("--region", help="the region of that service")
    add.add_argument("--meetup", metavar="ID", help="UUID of the meet-up it was logged at")
    add.add_argument("--by", metavar="NAME", help="who logged it (a display name)")
    add.add_argument("--status", choices=STATUSES, help="default: published")

    count = command("count", cmd_count, "Print how many entries match the filters.")
    filter_options(count)

    find = command("search", cmd_search, "Full-text search over titles and texts, "
                                         "best matches first.")
    find.add_argument("query", help="words to look for; every word must appear")
    filter_options(find)
    find.add_argument("--limit", type=positive, default=20, help="at most N results (20)")
    find.add_argument("--format", choices=("table", "jsonl"), default="table",
                      help="table (default) or jsonl: one entry per line with all its fields")

    history = command("history", cmd_history, "Print every revision of one entry, oldest first.")
    history.add_argument("id", help="the entry's UUID")
    history.add_argument("--format", choices=("table", "jsonl"), default="table")

    demo = command("demo", cmd_demo, "Fill the casebook with synthetic demo meet-ups and "
                                     "entries over 5 years and about 150 library services.")
    demo.add_argument("--entries", type=positive, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S",
                      help="random seed: the same seed gives the same data (default 1)")
