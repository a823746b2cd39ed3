"""Playing a scenario: a small state machine, usable without any user interface.

>>> from casebook.training.catalogue import find_scenario
>>> play = Play(find_scenario("wifi-banking"))
>>> step = play.choose(0, "fairly sure")  # certainty is ignored where it is not asked
>>> step.feedback != "" and play.score == step.points
True

A play records every step (each choice with its node, time, certainty and
points, and each step back), so it can be stored as it goes and rebuilt
exactly later to resume an unfinished attempt.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..errors import Problem, ValidationError
from .checker import best_score
from .format import CERTAINTY, Choice, Ending, Node, Scenario, points


@dataclass(frozen=True)
class Step:
    """One thing the learner did: a choice (with its feedback) or a step back."""

    action: str  # "choose" or "back"
    node_id: str
    choice_index: int | None
    label: str
    certainty: str | None
    points: int
    score_after: int
    feedback: str
    at: datetime


@dataclass
class Play:
    """One learner's way through one scenario."""

    scenario: Scenario
    node_id: str = ""
    score: int = 0
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self):
        self.node_id = self.node_id or self.scenario.start
        self.max_score = best_score(self.scenario) or 0

    def copy(self) -> Play:
        """An independent copy to try a step on (the scenario itself is shared)."""
        twin = copy.copy(self)
        twin.steps = list(self.steps)
        return twin

    @property
    def node(self) -> Node:
        return self.scenario.node(self.node_id)

    @property
    def ending(self) -> Ending | None:
        return self.node.ending

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def passed(self) -> bool | None:
        return None if not self.finished else self.score >= self.scenario.pass_mark

    @property
    def choices_made(self) -> int:
        """How many junctions the learner has passed on the current path."""
        return len(self._path())

    def offered(self) -> list[tuple[int, Choice]]:
        """The choices shown at the current node (index in the file, choice)."""
        return [(i, c) for i, c in enumerate(self.node.choices) if c.available(self.score)]

    def choose(self, index: int, certainty: str | None = None, *,
               at: datetime | None = None) -> Step:
        """Take choice ``index`` (as numbered in the file) at the current node."""
        problems = []
        if self.finished:
            problems.append(Problem("choice", "finished", "the scenario has ended; restart it"))
        elif index not in dict(self.offered()):
            problems.append(Problem("choice", "unknown", f"choice {index} is not offered at "
                                                         f"node {self.node_id!r}"))
        if self.node.certainty and certainty not in CERTAINTY:
            problems.append(Problem("certainty", "required", "say how sure you are: one of "
                                                             f"{', '.join(CERTAINTY)}"))
        if problems:
            raise ValidationError(problems)
        choice = self.node.choices[index]
        gained = points(choice, self.node, certainty if self.node.certainty else None)
        step = Step("choose", self.node_id, index, choice.label,
                    certainty if self.node.certainty else None, gained, self.score + gained,
                    choice.feedback, at or datetime.now(UTC))
        self.steps.append(step)
        self.score += gained
        self.node_id = choice.next
        return step

    def can_go_back(self) -> bool:
        return self.scenario.allow_back and bool(self._path()) and not self.finished

    def back(self, *, at: datetime | None = None) -> Step:
        """Undo the last choice on the current path, where the scenario allows it."""
        if not self.can_go_back():
            raise ValidationError([Problem("back", "not_allowed",
                                           "going back is not allowed here")])
        last = self._path()[-1]
        step = Step("back", last.node_id, None, "", None, -last.points,
                    self.score - last.points, "", at or datetime.now(UTC))
        self.steps.append(step)
        self.score -= last.points
        self.node_id = last.node_id
        return step

    def _path(self) -> list[Step]:
        path: list[Step] = []
        for step in self.steps:
            if step.action == "back":
                path.pop()
            else:
                path.append(step)
        return path

    @classmethod
    def replay(cls, scenario: Scenario, steps: list[Step]) -> Play:
        """Rebuild a play from its recorded steps (to resume an unfinished attempt)."""
        play = cls(scenario)
        for step in steps:
            if step.action == "back":
                play.back(at=step.at)
            else:
                play.choose(step.choice_index, step.certainty, at=step.at)
        return play
