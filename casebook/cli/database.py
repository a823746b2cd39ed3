"""Sub-commands for the database itself: db roles (least privilege on PostgreSQL)."""

from __future__ import annotations

import argparse
import sys

from ..errors import CasebookError
from ..store.roles import create_roles
from .common import db_option, open_casebook_of


def _two_passwords() -> tuple[str, str]:
    lines = sys.stdin.read().splitlines()
    if len(lines) != 2 or not all(lines):
        raise CasebookError("--passwords-stdin reads two lines: the owner's password, then "
                            "the application's")
    return lines[0], lines[1]


def cmd_db_roles(args: argparse.Namespace) -> int:
    owner_password, app_password = _two_passwords() if args.passwords_stdin else (None, None)
    roles = create_roles(open_casebook_of(args), args.owner, args.app,
                         owner_password=owner_password, app_password=app_password)
    print(f"owner (runs migrations: casebook init --db ...):\n{roles.owner_url}\n"
          f"application (casebook serve --db ...; may change rows, not tables):\n"
          f"{roles.app_url}")
    if not args.passwords_stdin:
        print("The passwords were made for you and are shown only now: keep these addresses "
              "somewhere safe, such as CASEBOOK_DB in the service's environment.",
              file=sys.stderr)
    return 0


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    database = commands.add_parser("db", help="The database itself: roles on PostgreSQL.",
                                   description="The database itself: roles on PostgreSQL.")
    actions = database.add_subparsers(dest="action", required=True, metavar="ACTION")
    roles = actions.add_parser(
        "roles", help="Make an owner role and an application role with least privilege.",
        description="Run as an administrator (a role with CREATEROLE that owns the casebook's "
                    "schema): makes an owner role, which owns every table and runs "
                    "migrations, and an application role, which may read and write rows but "
                    "change no table; prints the address to connect as each.")
    roles.add_argument("--owner", default="casebook_owner", metavar="ROLE",
                       help="the owner role's name (default casebook_owner)")
    roles.add_argument("--app", default="casebook_app", metavar="ROLE",
                       help="the application role's name (default casebook_app)")
    roles.add_argument("--passwords-stdin", action="store_true",
                       help="read the two passwords from stdin (owner's, then application's) "
                            "instead of making them")
    db_option(roles)
    roles.set_defaults(handler=cmd_db_roles)
