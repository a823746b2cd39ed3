"""The ``casebook`` command: a thin shell over the Python API.

Each sub-command parses its arguments, calls the API and prints the result.
Any error the API raises on purpose becomes one line on stderr and exit status
2; argparse does the same for malformed arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from . import entries as entry_api
from .demo import fill_demo
from .errors import CasebookError, ValidationError
from .exchange import FORMATS, export_entries
from .filters import EntryFilter
from .meetup_notes import read_notes, save_notes
from .merge import import_entries
from .redaction import redact
from .report import FORMATS as REPORT_FORMATS
from .report import render as render_report
from .scenario import TOPICS
from .scenario_check import best_score, check_files
from .search import search
from .store import Casebook, default_url, open_casebook
from .taxonomy import KINDS, OFFERS, SKILLS, STATUSES, THEMES
from .twee import REMINDER, TweeError, twee_to_yaml

EXIT_BAD_INPUT = 2


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-03-24") from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return number


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="casebook database URL: sqlite:///path.db or postgresql+psycopg://user@host/db "
             "(default: $CASEBOOK_DB, else sqlite:///var/casebook.db)",
    )


def _filter_options(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    group = parser.add_argument_group("filters (repeat an option to allow any of its values)")
    group.add_argument("--kind", action="append", metavar="K", help=f"one of: {', '.join(KINDS)}")
    group.add_argument("--theme", action="append", metavar="T", help="a theme, e.g. 'Security'")
    group.add_argument("--service", action="append", metavar="S", help="a library service")
    if dates:
        group.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="created on or after")
        group.add_argument("--until", type=_date, metavar="YYYY-MM-DD",
                           help="created on or before")


def _filter_from(args: argparse.Namespace) -> EntryFilter:
    return EntryFilter(kinds=args.kind, themes=args.theme, services=args.service,
                       since=getattr(args, "since", None), until=getattr(args, "until", None))


def _open(args: argparse.Namespace) -> Casebook:
    return open_casebook(args.db or default_url())


def cmd_init(args: argparse.Namespace) -> int:
    casebook = _open(args)
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
        return _add_jsonl(_open(args), args.jsonl)
    casebook = _open(args)
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
    print(entry_api.count_entries(_open(args), _filter_from(args)))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    hits = search(_open(args), args.query, _filter_from(args), limit=args.limit)
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
    revisions = entry_api.entry_history(_open(args), args.id)
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
    saved = save_notes(_open(args), notes, host_network=args.host_network, actor=args.by)
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
    where = _filter_from(args)
    if args.include_deleted:
        where = replace(where, include_deleted=True)
    count = export_entries(_open(args), args.format, Path(args.out), where)
    print(f"exported {count} entries to {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    report = import_entries(_open(args), Path(args.path), actor=args.by or "import")
    for problem in report.conflicts:
        print(f"row {problem.row}: conflict: {problem.message}", file=sys.stderr)
    for problem in report.problems:
        print(f"row {problem.row}: {problem.field}: {problem.message}", file=sys.stderr)
    print(report.summary())
    return EXIT_BAD_INPUT if report.problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    page = render_report(_open(args), args.meetup, args.format)
    if args.out:
        Path(args.out).write_text(page, encoding="utf-8")
        print(f"wrote the report to {args.out}")
    else:
        sys.stdout.write(page)
    return 0


def cmd_scenarios_check(args: argparse.Namespace) -> int:
    scenarios, issues = check_files(args.paths)
    for issue in issues:
        print(issue, file=sys.stderr)
    bad = {issue.path for issue in issues}
    for scenario in scenarios:
        if scenario.path not in bad:
            print(f"{scenario.path}: ok: {scenario.id} ({len(scenario.nodes)} nodes, "
                  f"best score {best_score(scenario)}, pass mark {scenario.pass_mark})")
    if not scenarios:
        print("no scenario files found", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_BAD_INPUT if issues else 0


def cmd_scenarios_from_twee(args: argparse.Namespace) -> int:
    try:
        source = Path(args.file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TweeError(f"{args.file} is not UTF-8 text, so not a Twee story") from None
    # Convert it all before writing anything, so an error leaves stdout empty.
    sys.stdout.write(twee_to_yaml(source, scenario_id=args.id, topic=args.topic,
                                  pass_mark=args.pass_mark, fallback_title=Path(args.file).stem))
    print(f"casebook scenarios from-twee: {REMINDER}", file=sys.stderr)
    return 0


def cmd_redact(args: argparse.Namespace) -> int:
    result = redact(sys.stdin.read())
    sys.stdout.write(result.text)
    if args.report:
        summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.counts.items()))
        print(f"removed {summary or 'nothing'}", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    summary = fill_demo(_open(args), entries_count=args.entries, seed=args.seed)
    print(f"added {summary.entries} demo entries from {summary.services} library services "
          f"at {summary.meetups} meet-ups")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook",
        description="The library digital-inclusion casebook: meet-up takeaways, "
                    "training records and reports in one shared database.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _db_option(sub)
        sub.set_defaults(handler=handler)
        return sub

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
    _filter_options(count)

    find = command("search", cmd_search, "Full-text search over titles and texts, "
                                         "best matches first.")
    find.add_argument("query", help="words to look for; every word must appear")
    _filter_options(find)
    find.add_argument("--limit", type=_positive, default=20, help="at most N results (20)")
    find.add_argument("--format", choices=("table", "jsonl"), default="table",
                      help="table (default) or jsonl: one entry per line with all its fields")

    history = command("history", cmd_history, "Print every revision of one entry, oldest first.")
    history.add_argument("id", help="the entry's UUID")
    history.add_argument("--format", choices=("table", "jsonl"), default="table")

    notes = command("import-notes", cmd_import_notes,
                    "Read a meet-up write-up (Markdown or plain text) and save each bullet, "
                    "numbered item or story as a draft entry of a new meet-up.")
    notes.add_argument("file", metavar="FILE", help="the notes (UTF-8 text or Markdown)")
    notes.add_argument("--meetup-title", metavar="T", help="the meet-up's title, if the notes "
                       "have no title line (or to override it)")
    notes.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
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
    _filter_options(export)
    export.add_argument("--include-deleted", action="store_true",
                        help="include deleted entries (so a merge elsewhere deletes them too)")

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

    scenarios = commands.add_parser(
        "scenarios", help="Check or convert training scenarios.",
        description="Check or convert training scenarios.")
    scenario_commands = scenarios.add_subparsers(dest="action", required=True, metavar="ACTION")
    checker = scenario_commands.add_parser(
        "check", help="Check scenario files and list every problem with file and line.",
        description="Check scenario files (or folders of them) and list every problem with "
                    "its file and line: unknown next node, unreachable node, no path to an "
                    "ending, duplicate id, choice without feedback, pass mark above the best "
                    "reachable score, malformed YAML. Exit 2 if there is any problem.")
    checker.add_argument("paths", nargs="+", metavar="PATH")
    _db_option(checker)
    checker.set_defaults(handler=cmd_scenarios_check)
    from_twee = scenario_commands.add_parser(
        "from-twee", help="Convert a Twine story (Twee 3) to scenario YAML on stdout.",
        description="Convert a Twine story saved as Twee 3 to scenario YAML on stdout: each "
                    "passage a node, each link a choice, each passage without links an ending. "
                    "Scores and outcomes come from tags (good, mixed, bad, score:N).")
    from_twee.add_argument("file", metavar="FILE")
    from_twee.add_argument("--id", help="the scenario id (default: from the story title)")
    from_twee.add_argument("--topic", choices=TOPICS, help="default: Common enquiries")
    from_twee.add_argument("--pass-mark", type=int, metavar="N",
                           help="default: about 60%% of the best reachable score")
    from_twee.set_defaults(handler=cmd_scenarios_from_twee)

    scrub = command("redact", cmd_redact, "Copy stdin to stdout with personal data (emails, "
                                          "phone numbers, postcodes, NI, NHS, card and bank "
                                          "numbers, dates of birth, names after a title) "
                                          "replaced by placeholders such as [PHONE].")
    scrub.add_argument("--report", action="store_true",
                       help="also say on stderr what kinds were removed and how many")

    demo = command("demo", cmd_demo, "Fill the casebook with synthetic demo meet-ups and "
                                     "entries over 5 years and about 150 library services.")
    demo.add_argument("--entries", type=_positive, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S",
                      help="random seed: the same seed gives the same data (default 1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ValidationError as exc:
        print(f"casebook {args.command}: {exc}", file=sys.stderr)
    except CasebookError as exc:
        print(f"casebook {args.command}: {exc}", file=sys.stderr)
    except DBAPIError as exc:
        # Not the user's input but the database (full disk, server gone): still one line.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(f"casebook {args.command}: database error: {reason}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"casebook {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
    except KeyboardInterrupt:
        print(f"casebook {args.command}: interrupted", file=sys.stderr)
        return 130
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
