"""Where scenarios come from: the ones shipped with the toolkit, plus any folder a
library adds with ``--scenarios DIR`` or ``CASEBOOK_SCENARIOS`` (several folders
separated by ``:``). A scenario in an added folder replaces a shipped one with
the same id, so a library can adapt one to its own procedures.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import CasebookError, NotFound
from .checker import check_files
from .content_rules import SHIPPED_SITES, SITES_ENVIRONMENT, read_guidance_sites
from .format import TOPICS, Issue, Scenario

SHIPPED = Path(__file__).parent / "scenarios"
ENVIRONMENT = "CASEBOOK_SCENARIOS"


@dataclass(frozen=True)
class Catalogue:
    scenarios: tuple[Scenario, ...]  # only those that passed every check, by topic then title
    issues: tuple[Issue, ...]        # the errors that left files out (warnings are not here)

    def get(self, scenario_id: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise NotFound(f"no scenario has id {scenario_id!r}")

    def by_topic(self) -> dict[str, list[Scenario]]:
        topics: dict[str, list[Scenario]] = {}
        for scenario in self.scenarios:
            topics.setdefault(scenario.topic, []).append(scenario)
        return topics


def folders(extra: Iterable[str | Path] = ()) -> list[Path]:
    from_env = [p for p in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if p]
    return [SHIPPED, *map(Path, from_env), *map(Path, extra)]


def load_catalogue(extra: Iterable[str | Path] = ()) -> Catalogue:
    """Every valid scenario from the shipped folder and the extra ones."""
    chosen: dict[str, Scenario] = {}
    issues: list[Issue] = []
    try:
        sites = read_guidance_sites()
    except CasebookError as error:  # a library's own list is broken: say so, use ours
        issues.append(Issue(os.environ.get(SITES_ENVIRONMENT, ""), 1, str(error)))
        sites = read_guidance_sites(SHIPPED_SITES)
    for folder in folders(extra):
        scenarios, found = check_files([folder], sites) if folder.is_dir() else ([], [
            Issue(str(folder), 1, "scenario folder does not exist")])
        errors = [issue for issue in found if issue.severity == "error"]
        issues.extend(errors)
        bad = {issue.path for issue in errors}
        for scenario in scenarios:
            if scenario.path not in bad:
                chosen[scenario.id] = scenario
    ordered = sorted(chosen.values(), key=lambda s: (_topic_order(s.topic), s.title))
    return Catalogue(tuple(ordered), tuple(issues))


def _topic_order(topic: str) -> int:
    return TOPICS.index(topic) if topic in TOPICS else len(TOPICS)


def find_scenario(scenario_id: str, extra: Iterable[str | Path] = ()) -> Scenario:
    return load_catalogue(extra).get(scenario_id)
