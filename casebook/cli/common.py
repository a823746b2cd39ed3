"""What every sub-command shares: the --db option, filters, and argument types."""

from __future__ import annotations

import argparse
from datetime import date

from ..filters import EntryFilter
from ..store import Casebook, default_url, open_casebook
from ..taxonomy import KINDS

EXIT_BAD_INPUT = 2


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-03-24") from None

def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return number

def db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="casebook database URL: sqlite:///path.db or postgresql+psycopg://user@host/db "
             "(default: $CASEBOOK_DB, else sqlite:///var/casebook.db)",
    )

def filter_options(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    group = parser.add_argument_group("filters (repeat an option to allow any of its values)")
    group.add_argument("--kind", action="append", metavar="K", help=f"one of: {', '.join(KINDS)}")
    group.add_argument("--theme", action="append", metavar="T", help="a theme, e.g. 'Security'")
    group.add_argument("--service", action="append", metavar="S", help="a library service")
    if dates:
        group.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD",
                           help="created on or after")
        group.add_argument("--until", type=parse_date, metavar="YYYY-MM-DD",
                           help="created on or before")

def filter_from(args: argparse.Namespace) -> EntryFilter:
    return EntryFilter(kinds=args.kind, themes=args.theme, services=args.service,
                       since=getattr(args, "since", None), until=getattr(args, "until", None))

def open_casebook_of(args: argparse.Namespace) -> Casebook:
    return open_casebook(args.db or default_url())
