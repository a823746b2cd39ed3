"""Every complete way through a scenario, played by the engine (certainty aside):
what ``casebook scenarios paths`` prints and what the tests use to prove that the
best path passes and no path across a red line does."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .format import Scenario
from .play import Play


@dataclass(frozen=True)
class PathStep:
    node_id: str
    choice_index: int
    label: str
    red_line: bool


@dataclass(frozen=True)
class ScenarioPath:
    """One complete way through a scenario, and what the engine makes of it."""

    scenario: str
    steps: tuple[PathStep, ...]
    ending: str
    outcome: str
    points: int
    passed: bool

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "steps": [asdict(s) for s in self.steps],
                "ending": self.ending, "outcome": self.outcome, "points": self.points,
                "passed": self.passed}


def all_paths(scenario: Scenario, limit: int = 100_000) -> list[ScenarioPath]:
    """Every complete path (certainty aside), as the engine plays it."""
    found: list[ScenarioPath] = []

    def walk(play: Play) -> None:
        if len(found) >= limit:
            return
        if play.finished:
            steps = tuple(PathStep(s.node_id, s.choice_index, s.label, bool(s.red_line))
                          for s in play.path())
            found.append(ScenarioPath(scenario.id, steps, play.node_id, play.ending.outcome,
                               play.points, bool(play.passed)))
            return
        if play.node_id in {s.node_id for s in play.path()}:
            return  # a loop
        for index, _ in play.offered():
            trial = play.copy()
            trial.choose(index, "not sure" if scenario.certainty else None)
            walk(trial)

    walk(Play(scenario))
    return found
