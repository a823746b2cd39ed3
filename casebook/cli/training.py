"""Sub-commands for training: scenarios check, scenarios from-twee, attempts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..training.attempts import get_attempt, list_attempts
from ..training.catalogue import SHIPPED
from ..training.checker import best_score, check_files
from ..training.content_rules import SITES_ENVIRONMENT, read_guidance_sites
from ..training.format import TOPICS
from ..training.glossary import terms_used
from ..training.paths import all_paths
from ..training.review_table import review_table
from ..training.twee import REMINDER, TweeError, twee_to_yaml
from ..training.xapi import export_statements
from .common import EXIT_BAD_INPUT, db_option, open_casebook_of, positive


def cmd_scenarios_check(args: argparse.Namespace) -> int:
    sites = read_guidance_sites(args.guidance_sites)
    scenarios, issues = check_files(args.paths, sites)
    for issue in issues:
        print(issue, file=sys.stderr)
    errors = [issue for issue in issues if issue.severity == "error"]
    bad = {issue.path for issue in errors}
    for scenario in scenarios:
        if scenario.path not in bad:
            terms = ", ".join(t.term for t in terms_used(scenario)) or "none"
            print(f"{scenario.path}: ok: {scenario.id} ({len(scenario.nodes)} nodes, "
                  f"best score {best_score(scenario)}, pass mark {scenario.pass_mark}; "
                  f"glossary terms: {terms})")
    if not scenarios:
        print("no scenario files found", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_BAD_INPUT if errors else 0


def cmd_scenarios_list(args: argparse.Namespace) -> int:
    sites = read_guidance_sites(args.guidance_sites)
    scenarios, issues = check_files(args.paths or [SHIPPED], sites)
    errors = [issue for issue in issues if issue.severity == "error"]
    for issue in errors:
        print(issue, file=sys.stderr)
    if not scenarios:
        print("no scenario files found", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(review_table(scenarios, sites), end="")
    return EXIT_BAD_INPUT if errors else 0


def cmd_scenarios_paths(args: argparse.Namespace) -> int:
    scenarios, issues = check_files(args.paths)
    errors = [issue for issue in issues if issue.severity == "error"]
    for issue in errors:
        print(issue, file=sys.stderr)
    if errors or not scenarios:
        if not scenarios:
            print("no scenario files found", file=sys.stderr)
        return EXIT_BAD_INPUT  # a broken graph has no paths worth listing
    for scenario in scenarios:
        for path in all_paths(scenario):
            if args.format == "jsonl":
                print(json.dumps(path.to_dict(), ensure_ascii=False))
                continue
            route = " > ".join(f"{s.node_id}:{s.choice_index}{'!' if s.red_line else ''}"
                               for s in path.steps)
            verdict = "passed" if path.passed else "not passed"
            print(f"{scenario.id}  {route}  => {path.ending} ({path.outcome}), "
                  f"{path.points} points, {verdict}")
    return 0

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


def cmd_attempts(args: argparse.Namespace) -> int:
    casebook = open_casebook_of(args)
    if args.format == "xapi":
        for statement in export_statements(casebook, learner=args.learner,
                                           scenario_id=args.scenario, limit=args.limit):
            print(json.dumps(statement, ensure_ascii=False))
        return 0
    found = list_attempts(casebook, learner=args.learner, scenario_id=args.scenario,
                          limit=args.limit)
    for attempt in found:
        if args.format == "jsonl":
            full = get_attempt(casebook, attempt.id)
            print(json.dumps(full.to_dict(steps=True), ensure_ascii=False))
            continue
        result = ("passed" if attempt.passed else "not passed" if attempt.finished
                  else "unfinished")
        print(f"{attempt.started_at:%Y-%m-%d %H:%M}  {attempt.learner[:20]:<20}  "
              f"{attempt.scenario_id:<28}  {attempt.score:>3}/{attempt.max_score:<3}  {result}")
    if not found and args.format == "table":
        print("No attempts.")
    return 0


def register(commands, command) -> None:
    """Add these sub-commands to the parser."""
    scenarios = commands.add_parser(
        "scenarios", help="Check or convert training scenarios.",
        description="Check or convert training scenarios.")
    scenario_commands = scenarios.add_subparsers(dest="action", required=True, metavar="ACTION")
    checker = scenario_commands.add_parser(
        "check", help="Check scenario files and list every problem with file and line.",
        description="Check scenario files (or folders of them) and list every problem with "
                    "its file and line: unknown next node, unreachable node, no path to an "
                    "ending, duplicate id, choice without feedback, pass mark above the best "
                    "reachable score, malformed YAML, a source not on a public guidance site, a "
                    "reviewed month in the future or over a year ago (a warning), hard-to-read "
                    "text. Exit 2 if there is any error.")
    checker.add_argument("paths", nargs="+", metavar="PATH")
    checker.add_argument("--guidance-sites", metavar="FILE",
                         help="the sites sources may be on (default: $" + SITES_ENVIRONMENT +
                              ", else the shipped list of public guidance sites)")
    db_option(checker)
    checker.set_defaults(handler=cmd_scenarios_check)
    table = scenario_commands.add_parser(
        "list", help="A Markdown table of scenarios for the content review.",
        description="A Markdown table of scenarios (the shipped ones unless PATHs are given): "
                    "topic, skills, sources, red lines, where each applies and the month its "
                    "facts were checked, as in docs/content-review.md. Problems found by the "
                    "checker go to stderr, with exit 2.")
    table.add_argument("paths", nargs="*", metavar="PATH")
    table.add_argument("--guidance-sites", metavar="FILE",
                       help="the sites sources may be on (default: as for 'check')")
    db_option(table)
    table.set_defaults(handler=cmd_scenarios_list)
    lister = scenario_commands.add_parser(
        "paths", help="List every complete path through each scenario and its result.",
        description="List every complete path through each scenario (certainty aside), as "
                    "the engine plays it: the steps (node, choice, label, whether it crosses "
                    "a red line), the ending, its outcome, the points and whether it passes. "
                    "In the table, '!' marks a red line.")
    lister.add_argument("paths", nargs="+", metavar="FILE")
    lister.add_argument("--format", choices=("table", "jsonl"), default="table")
    db_option(lister)  # unused, but every command takes --db, as scripts expect
    lister.set_defaults(handler=cmd_scenarios_paths)
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
    db_option(from_twee)  # unused, but every command takes --db, as scripts expect
    from_twee.set_defaults(handler=cmd_scenarios_from_twee)

    attempts = command("attempts", cmd_attempts,
                       "List training attempts, newest first; or print them as xAPI "
                       "statements (one JSON object per line) for a learning record store.")
    attempts.add_argument("--format", choices=("table", "jsonl", "xapi"), default="table")
    attempts.add_argument("--learner", metavar="NAME", help="only this learner's attempts")
    attempts.add_argument("--scenario", metavar="ID", help="only attempts at this scenario")
    attempts.add_argument("--limit", type=positive, default=10_000, metavar="N",
                          help="at most N attempts (default 10,000)")
