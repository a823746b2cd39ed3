"""The ``casebook`` command: a thin shell over the Python API.

Each sub-command parses its arguments, calls the API and prints the result.
Any error the API raises on purpose becomes one line on stderr and exit status
2; argparse does the same for malformed arguments. The sub-commands live in
this package's modules, grouped by what they work on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError

from ..errors import CasebookError, ValidationError
from . import accounts, database, entries, exchange, learners, serve, training
from .common import EXIT_BAD_INPUT, db_option


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook",
        description="The library digital-inclusion casebook: meet-up takeaways, "
                    "training records and reports in one shared database.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        db_option(sub)
        sub.set_defaults(handler=handler)
        return sub

    for group in (entries, exchange, training, learners, serve, accounts, database):
        group.register(commands, command)
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
