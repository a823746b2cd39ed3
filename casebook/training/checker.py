"""Checks a scenario's graph and scoring, on top of what reading it checks.

Every unknown ``next``, unreachable node, node with no way on to an ending,
choice node where a learner could be left with no choice to make, pass mark
above the best reachable score, choice scoring below zero that is not marked
as a red line, and success ending reachable after a red line is reported with
its file and line, all at once, so a trainer can fix a file in one go.
Warnings point at scoring that teaches the wrong lesson (the best answer is
always the longest; the last decision is made by the score, not the learner).
Checking files also applies the content rules (:mod:`.content_rules`): sources on
public guidance sites, a recent ``reviewed`` month, plain English.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

from .content_rules import GuidanceSites, check_content, read_guidance_sites
from .format import Issue, Scenario, read_scenario

_MAX_STATES = 200_000  # far beyond any scenario people can play; stops a runaway loop


def check(scenario: Scenario) -> list[Issue]:
    """Every problem with a scenario, reading problems included, in line order."""
    issues = list(scenario.issues)
    nodes = scenario.nodes
    if not nodes:
        return issues
    path = scenario.path

    def issue(line: int, message: str) -> None:
        issues.append(Issue(path, line, message))

    if scenario.start not in nodes:
        issue(1, f"start node {scenario.start!r} does not exist")
        return sorted(set(issues), key=lambda i: i.line)
    for node in nodes.values():
        for choice in node.choices:
            if choice.next and choice.next not in nodes:
                issue(choice.line, f"choice {choice.label!r} of node {node.id!r} goes to "
                                   f"{choice.next!r}, which is not a node")
    reachable = _reachable(scenario)
    for node in nodes.values():
        if node.id not in reachable:
            issue(node.line, f"node {node.id!r} cannot be reached from the start "
                             f"({scenario.start!r})")
    finishing = _can_finish(scenario)
    for node in nodes.values():
        if node.id in reachable and node.id not in finishing:
            issue(node.line, f"node {node.id!r} has no path to an ending")
    issues += _red_line_rules(scenario)
    if not any(i.message.startswith("malformed") for i in issues):
        best, stuck, tainted, forced = _explore(scenario)
        for node_id, score in sorted(stuck.items()):
            issue(nodes[node_id].line, f"node {node_id!r} offers no choice when the score so "
                                       f"far is {score}: check min_score and max_score")
        if best is not None and scenario.pass_mark > best:
            issue(1, f"pass mark {scenario.pass_mark} is above the best score reachable without "
                     f"crossing a red line ({best})")
        if best is None and not stuck:
            issue(1, "no ending can be reached without crossing a red line")
        for node_id in sorted(tainted):
            issue(nodes[node_id].line, f"the success ending {node_id!r} can be reached after a "
                                       "red line: give it 'after_red_line' (an ending for that "
                                       "path) or send red-line paths elsewhere")
        issues += _warnings(scenario)
        for node_id in sorted(forced):
            issues.append(Issue(path, nodes[node_id].line, f"the final decision {node_id!r} is "
                                "made by the score so far, not by the learner: at some scores "
                                "min_score / max_score leave only one choice", "warning"))
    return sorted(set(issues), key=lambda i: (i.line, i.message))


def _reachable(scenario: Scenario) -> set[str]:
    seen, todo = set(), [scenario.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in scenario.nodes:
            continue
        seen.add(node_id)
        node = scenario.nodes[node_id]
        todo.extend(c.next for c in node.choices)
        if node.after_red_line:
            todo.append(node.after_red_line)
    return seen


def _can_finish(scenario: Scenario) -> set[str]:
    finishing = {n.id for n in scenario.nodes.values() if n.ending is not None}
    changed = True
    while changed:
        changed = False
        for node in scenario.nodes.values():
            if node.id not in finishing and any(c.next in finishing for c in node.choices):
                finishing.add(node.id)
                changed = True
    return finishing


def _red_line_rules(scenario: Scenario) -> list[Issue]:
    found = []
    for node in scenario.nodes.values():
        for choice in node.choices:
            if choice.score < 0 and not choice.red_line:
                found.append(Issue(scenario.path, choice.line, f"choice {choice.label!r} scores "
                                   f"{choice.score}, below zero, but is not a red line: add "
                                   "'red_line' saying which line it crosses, or score it 0"))
            if choice.red_line and choice.score > 0:
                found.append(Issue(scenario.path, choice.line, f"choice {choice.label!r} crosses "
                                   "a red line, so it cannot earn points: score it 0 or less"))
        after = node.after_red_line
        if after is not None:
            target = scenario.nodes.get(after)
            if target is None or target.ending is None:
                found.append(Issue(scenario.path, node.line, f"'after_red_line' of {node.id!r} "
                                   f"names {after!r}, which is not an ending node"))
            elif target.ending.outcome == "good":
                found.append(Issue(scenario.path, node.line, f"'after_red_line' of {node.id!r} "
                                   f"names {after!r}, a success ending"))
    return found


def _warnings(scenario: Scenario) -> list[Issue]:
    found = []
    decisions = [n for n in scenario.nodes.values() if len(n.choices) > 1]
    longest_best = [n for n in decisions
                    if n.is_best(max(n.choices, key=lambda c: len(c.label)))]
    if decisions and len(longest_best) * 2 > len(decisions):
        found.append(Issue(scenario.path, 1, f"the best choice is the longest label at "
                           f"{len(longest_best)} of {len(decisions)} decisions: vary the lengths "
                           "so that length gives nothing away", "warning"))
    return found


def _explore(scenario: Scenario) -> tuple[int | None, dict[str, int], set[str], set[str]]:
    """Play every path: the best final score without a red line, the nodes where some
    score so far leaves no choice available, success endings reached after a red line
    (with no ending written for that path), and final decisions where the score leaves
    the learner only one choice."""
    best: int | None = None
    stuck: dict[str, int] = {}
    tainted: set[str] = set()
    forced: set[str] = set()
    todo: list[tuple[str, int, bool, frozenset[str]]] = [(scenario.start, 0, False, frozenset())]
    seen: set[tuple[str, int, bool]] = set()
    while todo and len(seen) < _MAX_STATES:
        node_id, score, red, path = todo.pop()
        node = scenario.nodes.get(node_id)
        if node is None or node_id in path or (node_id, score, red) in seen:
            continue  # an unknown next, or a loop: both reported elsewhere or harmless
        seen.add((node_id, score, red))
        if node.ending is not None:
            if red and node.after_red_line:
                continue  # the path is shown the ending written for it
            if red and node.ending.outcome == "good":
                tainted.add(node_id)
            if not red:
                best = score if best is None else max(best, score)
            continue
        offered = [c for c in node.choices if c.available(score)]
        if node.choices and not offered:
            stuck.setdefault(node_id, score)
        final = all(getattr(scenario.nodes.get(c.next), "ending", None) for c in node.choices)
        if final and len(node.choices) > 1 and len(offered) == 1:
            forced.add(node_id)
        for choice in offered:
            todo.append((choice.next, score + choice.score, red or bool(choice.red_line),
                         path | {node_id}))
    return best, stuck, tainted, forced


def best_score(scenario: Scenario) -> int | None:
    """The highest score any path can finish with, without crossing a red line."""
    return _explore(scenario)[0]


def check_files(paths: Iterable[Path | str], sites: GuidanceSites | None = None,
                today: datetime.date | None = None) -> tuple[list[Scenario], list[Issue]]:
    """Read and check scenario files (folders are searched for *.yaml and *.yml), their
    shape and their content (sources on ``sites``, by default the configured list)."""
    sites = sites or read_guidance_sites()
    scenarios, issues = [], []
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    seen_ids: dict[str, str] = {}
    for file in files:
        scenario = read_scenario(file)
        found = check(scenario)
        if scenario.nodes:
            found = sorted({*found, *check_content(scenario, sites, today)},
                           key=lambda i: (i.line, i.message))
        if scenario.id and scenario.id in seen_ids:
            found.append(Issue(str(file), 1, f"scenario id {scenario.id!r} is also used by "
                                             f"{seen_ids[scenario.id]}"))
        seen_ids.setdefault(scenario.id, str(file))
        issues.extend(found)
        scenarios.append(scenario)
    return scenarios, issues
