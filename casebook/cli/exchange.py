"""Sub-commands for moving text in and out: import-notes, export, import, report, redact."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from ..exchange.export import FORMATS, export_entries
from ..exchange.merge import import_entries
from ..exchange.report import FORMATS as REPORT_FORMATS
from ..exchange.report import render as render_report
from ..exchange.writeups import read_notes, save_notes
from ..redaction import redact
from .common import (
    EXIT_BAD_INPUT,
    filter_from,
    filter_options,
    open_casebook_of,
    parse_date,
)


def cmd_import_notes(args: argparse.Namespace) -> int:
    with open(args.file, encoding="utf-8-sig") as handle:
        document = handle.read()
    notes = read_notes(document, meetup_title=args.meetup_title, when=args.date)
    if args.dry_run:
        # Shown as they would be stored: with personal data already replaced.
        rows = [{**d.to_dict(), "title": d.title and redact(d.title).text,
                 "text": redact(d.text).text} for d in notes.drafts]
        if args.format == "jsonl":
            for row in rows:
                print(json.dumps(row, ensure_ascii=False))
            return 0
        print(f"Meet-up: {notes.title} ({notes.date}); {len(rows)} drafts, nothing saved")
        for row in rows:
            print(_draft_line(row))
        return 0
    saved = save_notes(open_casebook_of(args), notes, host_network=args.host_network, actor=args.by)
    if args.format == "jsonl":
        for entry in saved.entries:
            print(json.dumps(entry.to_dict(), ensure_ascii=False))
        return 0
    review = sum(d.needs_review for d in notes.drafts)
    print(f"saved {len(saved.entries)} draft entries to meet-up {saved.meetup.id} "
          f"({saved.meetup.title}, {saved.meetup.date}); {review} flagged for review")
    return 0

def _draft_line(row: dict) -> str:
    flag = "review" if row["needs_review"] else ""
    themes = ", ".join(row["themes"]) or "-"
    words = (row["title"] + ": " if row["title"] else "") + row["text"].replace("\n", " ")
    if len(words) > 60:
        words = words[:59] + "…"
    return f"line {row['line']:<4} {row['kind']:<13} {flag:<6} [{themes}] {words}"

def cmd_export(args: argparse.Namespace) -> int:
    where = filter_from(args)
    if args.include_deleted:
        where = replace(where, include_deleted=True)
    count = export_entries(open_casebook_of(args), args.format, Path(args.out), where,
                           by=args.by)
    print(f"exported {count} entries to {args.out}")
    return 0

def cmd_import(args: argparse.Namespace) -> int:
    report = import_entries(open_casebook_of(args), Path(args.path), actor=args.by or "import")
    for problem in report.conflicts:
        print(f"row {problem.row}: conflict: {problem.message}", file=sys.stderr)
    for problem in report.problems:
        print(f"row {problem.row}: {problem.field}: {problem.message}", file=sys.stderr)
    print(report.summary())
    return EXIT_BAD_INPUT if report.problems else 0

def cmd_report(args: argparse.Namespace) -> int:
    page = render_report(open_casebook_of(args), args.meetup, args.format)
    if args.out:
        Path(args.out).write_text(page, encoding="utf-8")
        print(f"wrote the report to {args.out}")
    else:
        sys.stdout.write(page)
    return 0

def cmd_redact(args: argparse.Namespace) -> int:
    result = redact(sys.stdin.read())
    sys.stdout.write(result.text)
    if args.report:
        summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.counts.items()))
        print(f"removed {summary or 'nothing'}", file=sys.stderr)
    return 0


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    notes = command("import-notes", cmd_import_notes,
                    "Read a meet-up write-up (Markdown or plain text) and save each bullet, "
                    "numbered item or story as a draft entry of a new meet-up.")
    notes.add_argument("file", metavar="FILE", help="the notes (UTF-8 text or Markdown)")
    notes.add_argument("--meetup-title", metavar="T", help="the meet-up's title, if the notes "
                       "have no title line (or to override it)")
    notes.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD",
                       help="the meet-up's date, if the notes have no date line")
    notes.add_argument("--host-network", metavar="NAME", help="the network that held it")
    notes.add_argument("--by", metavar="NAME", help="who is importing (recorded in history)")
    notes.add_argument("--dry-run", action="store_true",
                       help="print the drafts (personal data already removed); save nothing")
    notes.add_argument("--format", choices=("table", "jsonl"), default="table",
                       help="table (default) or jsonl: one JSON object per draft or entry")

    export = command("export", cmd_export,
                     "Write matching entries to a file: csv or xlsx to read in a spreadsheet "
                     "(formula-like cells neutralised), jsonl, or a Frictionless data package "
                     "folder for other casebooks and tools.")
    export.add_argument("--format", choices=FORMATS, required=True)
    export.add_argument("--out", required=True, metavar="PATH",
                        help="the file (or, for datapackage, the folder) to write")
    filter_options(export)
    export.add_argument("--include-deleted", action="store_true",
                        help="include deleted entries (so a merge elsewhere deletes them too)")
    export.add_argument("--by", metavar="NAME",
                        help="who is exporting, for the audit trail (every export is recorded)")

    merge = command("import", cmd_import,
                    "Merge entries exported by any casebook (csv, jsonl or a data package "
                    "folder) by UUID: new ones are added, newer versions update, nothing is "
                    "duplicated; bad rows and conflicts are reported by row number.")
    merge.add_argument("path", metavar="PATH", help="a .csv or .jsonl file, or a data "
                       "package folder (or its datapackage.json)")
    merge.add_argument("--by", metavar="NAME", help="who is importing (recorded in history)")

    report = command("report", cmd_report,
                     "Write a meet-up's key takeaways page, grouped by kind then theme, with "
                     "counts and the resources mentioned; entry text is always escaped.")
    report.add_argument("--meetup", required=True, metavar="ID", help="the meet-up's UUID")
    report.add_argument("--format", choices=REPORT_FORMATS, default="html",
                        help="html (default, a standalone page) or md (Markdown)")
    report.add_argument("--out", metavar="FILE", help="write here instead of to stdout")

    scrub = command("redact", cmd_redact, "Copy stdin to stdout with personal data (emails, "
                                          "phone numbers, postcodes, NI, NHS, card and bank "
                                          "numbers, dates of birth, names after a title) "
                                          "replaced by placeholders such as [PHONE].")
    scrub.add_argument("--report", action="store_true",
                       help="also say on stderr what kinds were removed and how many")
