"""Playing a scenario: a small state machine, usable without any user interface.

>>> from casebook.training.catalogue import find_scenario
>>> play = Play(find_scenario("wifi-banking"), order_seed="example")
>>> index, choice = play.offered()[0]
>>> step = play.choose(index, "fairly sure")
>>> step.feedback == choice.feedback and play.points == choice.score
True

The engine, not the scenario's author, decides the result: an attempt passes
when no red line was crossed and the points from choices reach the pass mark.
Certainty marks (Gardner-Medwin's LAPT scheme) are kept apart from that
decision, as feedback on how well the learner knows what they know.

A play records every step (each choice with its node, time, the order the
choices were shown in, certainty and points, and each step back), so it can be
stored as it goes and rebuilt exactly later to resume an unfinished attempt.
Each attempt shows the choices in its own order, fixed by ``order_seed``.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..errors import Problem, ValidationError
from .checker import best_score
from .format import CERTAINTY, Choice, Ending, Node, Scenario, certainty_marks


@dataclass(frozen=True)
class Step:
    """One thing the learner did: a choice (with its feedback) or a step back."""

    action: str  # "choose" or "back"
    node_id: str
    choice_index: int | None  # as numbered in the file
    label: str
    certainty: str | None
    points: int  # the choice's score (a step back: minus the undone one's)
    score_after: int
    feedback: str
    at: datetime
    shown_order: tuple[int, ...] = ()  # file indexes, in the order shown
    certainty_marks: int | None = None
    red_line: str | None = None
    best: bool | None = None  # None: recorded before the best choice was kept


@dataclass
class Play:
    """One learner's way through one scenario."""

    scenario: Scenario
    node_id: str = ""
    steps: list[Step] = field(default_factory=list)
    order_seed: str = ""  # "" shows choices in file order (tests, the path lister)

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

    def path(self) -> list[Step]:
        """The choices on the way to where the learner is now (steps back undone)."""
        path: list[Step] = []
        for step in self.steps:
            if step.action == "back":
                path.pop()
            else:
                path.append(step)
        return path

    @property
    def points(self) -> int:
        """Points from choices: what the pass decision counts (certainty apart)."""
        return sum(step.points for step in self.path())

    @property
    def red_lines(self) -> list[Step]:
        """The choices on the path that crossed a red line."""
        return [step for step in self.path() if step.red_line]

    @property
    def certainty_score(self) -> int | None:
        """LAPT marks summed over the path; None where the scenario does not ask."""
        if not self.scenario.certainty:
            return None
        return sum(step.certainty_marks or 0 for step in self.path())

    @property
    def passed(self) -> bool | None:
        if not self.finished:
            return None
        return not self.red_lines and self.points >= self.scenario.pass_mark

    @property
    def choices_made(self) -> int:
        """How many junctions the learner has passed on the current path."""
        return len(self.path())

    def order(self, node: Node | None = None) -> list[int]:
        """The file indexes of the choices offered at a node, in this attempt's order."""
        node = node or self.node
        offered = [i for i, c in enumerate(node.choices) if c.available(self.points)]
        if self.order_seed:
            random.Random(f"{self.order_seed}/{node.id}").shuffle(offered)
        return offered

    def offered(self) -> list[tuple[int, Choice]]:
        """The choices shown at the current node, in order: (index in the file, choice)."""
        return [(i, self.node.choices[i]) for i in self.order()]

    def choose(self, index: int, certainty: str | None = None, *,
               at: datetime | None = None) -> Step:
        """Take choice ``index`` (as numbered in the file) at the current node."""
        problems = []
        shown = self.order() if not self.finished else []
        if self.finished:
            problems.append(Problem("choice", "finished", "the scenario has ended; restart it"))
        elif index not in shown:
            problems.append(Problem("choice", "unknown", f"choice {index} is not offered at "
                                                         f"node {self.node_id!r}"))
        if self.scenario.certainty and certainty not in CERTAINTY:
            problems.append(Problem("certainty", "required", "say how sure you are: one of "
                                                             f"{', '.join(CERTAINTY)}"))
        if problems:
            raise ValidationError(problems)
        node = self.node
        choice = node.choices[index]
        best = node.is_best(choice)
        sure = certainty if self.scenario.certainty else None
        step = Step("choose", self.node_id, index, choice.label, sure, choice.score,
                    self.points + choice.score, choice.feedback, at or datetime.now(UTC),
                    tuple(shown), certainty_marks(best, sure) if sure else None,
                    choice.red_line, best)
        self.steps.append(step)
        self.node_id = self._arrive(choice.next)
        return step

    def _arrive(self, node_id: str) -> str:
        """Where the story goes: an ending written for a path that crossed a red line
        replaces a success ending, so no ending describes what did not happen."""
        node = self.scenario.node(node_id)
        if node.ending is not None and node.after_red_line and self.red_lines:
            return node.after_red_line
        return node_id

    def can_go_back(self) -> bool:
        return self.scenario.allow_back and bool(self.path()) and not self.finished

    def back(self, *, at: datetime | None = None) -> Step:
        """Undo the last choice on the current path, where the scenario allows it."""
        if not self.can_go_back():
            raise ValidationError([Problem("back", "not_allowed",
                                           "going back is not allowed here")])
        last = self.path()[-1]
        step = Step("back", last.node_id, None, "", None, -last.points,
                    self.points - last.points, "", at or datetime.now(UTC))
        self.steps.append(step)
        self.node_id = last.node_id
        return step

    @classmethod
    def replay(cls, scenario: Scenario, steps: list[Step], *, order_seed: str = "") -> Play:
        """Rebuild a play from its recorded steps (to resume an unfinished attempt)."""
        play = cls(scenario, order_seed=order_seed)
        for step in steps:
            if step.action == "back":
                play.back(at=step.at)
            else:
                play.choose(step.choice_index, step.certainty, at=step.at)
        return play
