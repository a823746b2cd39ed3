"""Sub-commands for learners' rights over their records: learner export, learner
forget, and retention."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..training.learner_records import anonymise_older_attempts, export_learner, forget_learner
from .common import db_option, open_casebook_of, positive


def cmd_learner_export(args: argparse.Namespace) -> int:
    text = json.dumps(export_learner(open_casebook_of(args), args.name), ensure_ascii=False,
                      indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote everything held about {args.name} to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_learner_forget(args: argparse.Namespace) -> int:
    done = forget_learner(open_casebook_of(args), args.name, by=args.by)
    print(f"{done} attempt{'s' if done != 1 else ''} anonymised: the name {args.name!r} is no "
          "longer stored with them (their choices and results still count in the figures)")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    done = anonymise_older_attempts(open_casebook_of(args), args.attempts_months, by=args.by)
    print(f"{done} attempt{'s' if done != 1 else ''} older than {args.attempts_months} months "
          "anonymised")
    return 0


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    learner = commands.add_parser(
        "learner", help="A learner's training record: export it, or forget their name.",
        description="A learner's rights over their training record (UK GDPR).")
    actions = learner.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="Everything held about a learner, as JSON.",
                                description="Everything held about a learner, as JSON: "
                                            "their account (no password), every attempt "
                                            "with every step, and audit rows naming them.")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: stdout)")
    forget = actions.add_parser("forget", help="Anonymise every attempt of a learner.",
                                description="Anonymise every attempt of a learner: the "
                                            "name goes, the choices and results stay in "
                                            "the figures.")
    forget.add_argument("--by", metavar="NAME", help="who asked for it (for the audit)")
    for sub, handler in ((export, cmd_learner_export), (forget, cmd_learner_forget)):
        sub.add_argument("name", metavar="NAME", help="as typed in training, or a sign-in name")
        db_option(sub)
        sub.set_defaults(handler=handler)
    retention = command("retention", cmd_retention,
                        "Anonymise training attempts older than a number of months.")
    retention.add_argument("--attempts-months", type=positive, required=True, metavar="N",
                           help="anonymise attempts started more than N months ago")
    retention.add_argument("--by", metavar="NAME", help="who ran it (for the audit)")
