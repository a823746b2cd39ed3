"""Checks a scenario's graph and scoring, on top of what reading it checks.

Every unknown ``next``, unreachable node, node with no way on to an ending,
choice node where a learner could be left with no choice to make, and pass
mark above the best reachable score is reported with its file and line, all
at once, so a trainer can fix a file in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .format import CERTAINTY, Issue, Scenario, points, read_scenario

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
    if not any(i.message.startswith("malformed") for i in issues):
        best, stuck = _explore(scenario)
        for node_id, score in sorted(stuck.items()):
            issue(nodes[node_id].line, f"node {node_id!r} offers no choice when the score so "
                                       f"far is {score}: check min_score and max_score")
        if best is not None and scenario.pass_mark > best:
            issue(1, f"pass mark {scenario.pass_mark} is above the best reachable score {best}")
        if best is None and not stuck:
            issue(1, "no ending can be reached")
    return sorted(set(issues), key=lambda i: (i.line, i.message))


def _reachable(scenario: Scenario) -> set[str]:
    seen, todo = set(), [scenario.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in scenario.nodes:
            continue
        seen.add(node_id)
        todo.extend(c.next for c in scenario.nodes[node_id].choices)
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


def _explore(scenario: Scenario) -> tuple[int | None, dict[str, int]]:
    """Play every path (every choice, every certainty): the best final score, and
    the nodes where some score so far leaves no choice available."""
    best: int | None = None
    stuck: dict[str, int] = {}
    todo: list[tuple[str, int, frozenset[str]]] = [(scenario.start, 0, frozenset())]
    seen: set[tuple[str, int]] = set()
    while todo and len(seen) < _MAX_STATES:
        node_id, score, path = todo.pop()
        node = scenario.nodes.get(node_id)
        if node is None or node_id in path or (node_id, score) in seen:
            continue  # an unknown next, or a loop: both reported elsewhere or harmless
        seen.add((node_id, score))
        if node.ending is not None:
            best = score if best is None else max(best, score)
            continue
        offered = [c for c in node.choices if c.available(score)]
        if node.choices and not offered:
            stuck.setdefault(node_id, score)
        for choice in offered:
            certainties = CERTAINTY if node.certainty else {None: None}
            for certainty in certainties:
                todo.append((choice.next, score + points(choice, node, certainty),
                             path | {node_id}))
    return best, stuck


def best_score(scenario: Scenario) -> int | None:
    """The highest score any path can finish with."""
    return _explore(scenario)[0]


def check_files(paths: Iterable[Path | str]) -> tuple[list[Scenario], list[Issue]]:
    """Read and check scenario files (folders are searched for *.yaml and *.yml)."""
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
        if scenario.id and scenario.id in seen_ids:
            found.append(Issue(str(file), 1, f"scenario id {scenario.id!r} is also used by "
                                             f"{seen_ids[scenario.id]}"))
        seen_ids.setdefault(scenario.id, str(file))
        issues.extend(found)
        scenarios.append(scenario)
    return scenarios, issues
