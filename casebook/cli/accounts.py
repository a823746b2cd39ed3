"""Sub-commands for accounts and the audit trail: users add, list, disable, enable,
reset; audit."""

from __future__ import annotations

import argparse
import json
import sys

from ..accounts import ROLES, add_account, list_accounts, reset_account, set_disabled
from ..audit import audit_events_of
from ..errors import CasebookError
from ..validation import timestamp_text
from .common import db_option, open_casebook_of, positive

# Where a one-time link sets a password: the sign-in pages of `casebook serve`.
LINK_PATH = "casebook/set-password?link="
DEFAULT_SERVER = "http://127.0.0.1:8866/"


def _link(args: argparse.Namespace, secret: str) -> str:
    server = args.server if args.server.endswith("/") else args.server + "/"
    return f"{server}{LINK_PATH}{secret}"


def _password_from_stdin() -> str:
    lines = sys.stdin.read().splitlines()
    if len(lines) != 1 or not lines[0]:
        raise CasebookError("--password-stdin reads one line: the password, and nothing else")
    return lines[0]


def cmd_users_add(args: argparse.Namespace) -> int:
    password = _password_from_stdin() if args.password_stdin else None
    account, secret = add_account(open_casebook_of(args), args.name, args.role or [],
                                  service=args.service, display_name=args.display_name,
                                  password=password, by=args.by)
    print(f"added {account.name} ({', '.join(account.roles)})")
    if secret:
        print(f"One-time sign-in link, for {account.display_name} alone (it works once, for "
              f"24 hours; they choose their own password with it):\n{_link(args, secret)}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    found = list_accounts(open_casebook_of(args))
    for a in found:
        if args.format == "jsonl":
            print(json.dumps({"name": a.name, "display_name": a.display_name,
                              "library_service": a.library_service, "roles": list(a.roles),
                              "disabled": a.disabled, "has_password": a.has_password,
                              "created_at": timestamp_text(a.created_at)}, ensure_ascii=False))
        else:
            state = "disabled" if a.disabled else ("active" if a.has_password
                                                    else "waiting to set a password")
            print(f"{a.name}\t{a.display_name}\t{a.library_service or '-'}\t"
                  f"{', '.join(a.roles)}\t{state}")
    if not found and args.format == "table":
        print("no accounts yet: add one with 'casebook users add NAME --role admin'",
              file=sys.stderr)
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    account = set_disabled(open_casebook_of(args), args.name, True, by=args.by)
    print(f"{account.name} can no longer sign in (their records are kept)")
    return 0


def cmd_users_enable(args: argparse.Namespace) -> int:
    account = set_disabled(open_casebook_of(args), args.name, False, by=args.by)
    print(f"{account.name} can sign in again")
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    secret = reset_account(open_casebook_of(args), args.name, by=args.by)
    print(f"{args.name.strip().lower()}'s password is forgotten and the account unlocked. "
          f"New one-time sign-in link (it works once, for 24 hours):\n{_link(args, secret)}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    for event in reversed(audit_events_of(open_casebook_of(args), limit=args.limit,
                                          actor=args.actor)):
        if args.format == "jsonl":
            print(json.dumps(event.to_dict(), ensure_ascii=False))
        else:
            detail = ", ".join(f"{k}: {v}" for k, v in event.detail.items())
            print(f"{timestamp_text(event.at)}\t{event.actor or '-'}\t{event.action}\t{detail}")
    return 0


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    users = commands.add_parser(
        "users", help="Add, list, disable and reset sign-in accounts.",
        description="Sign-in accounts for `casebook serve`. Roles: " + "; ".join(
            f"{role}: {what}" for role, what in ROLES.items()) + ".")
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, handler, help_text: str, *, named: bool = True):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        if named:
            sub.add_argument("name", metavar="NAME", help="the sign-in name, e.g. priya.shah")
        db_option(sub)
        sub.add_argument("--by", metavar="NAME", help="who is making the change (for the audit)")
        sub.set_defaults(handler=handler)
        return sub

    add = action("add", cmd_users_add, "Add an account. Prints a one-time sign-in link for "
                                       "the person to choose their own password, unless "
                                       "--password-stdin gives one.")
    add.add_argument("--role", action="append", choices=list(ROLES), metavar="ROLE",
                     required=True, help=f"repeat for several: {', '.join(ROLES)}")
    add.add_argument("--service", metavar="S", help="their library service")
    add.add_argument("--display-name", metavar="D", help="the name others see (default NAME)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (one line)")
    for sub in (add, action("reset", cmd_users_reset, "Forget an account's password and "
                                                      "unlock it; prints a new one-time link.")):
        sub.add_argument("--server", default=DEFAULT_SERVER, metavar="URL",
                         help=f"the address people open the apps at, for the link (default "
                              f"{DEFAULT_SERVER})")
    listing = action("list", cmd_users_list, "List accounts, their roles and state.",
                     named=False)
    listing.add_argument("--format", choices=("table", "jsonl"), default="table")
    action("disable", cmd_users_disable, "Stop an account signing in (its records stay).")
    action("enable", cmd_users_enable, "Let a disabled account sign in again.")

    audit = command("audit", cmd_audit, "The audit trail: sign-ins, refusals, exports, "
                                        "downloads and account changes, oldest first.")
    audit.add_argument("--limit", type=positive, default=1000, metavar="N",
                       help="the newest N events (default 1000)")
    audit.add_argument("--actor", metavar="NAME", help="only this person's events")
    audit.add_argument("--format", choices=("table", "jsonl"), default="table")
