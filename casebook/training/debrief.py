"""What the learner is told at the end, passed or not: the result in words, each
decision beside the best choice and why, and how well their certainty matched
how often they were right.

>>> result_sentence(points=9, pass_mark=9, max_points=14, red_lines=0)
'Pass: 9 of 14 points, and no red line crossed.'
>>> result_sentence(points=12, pass_mark=9, max_points=14, red_lines=1)
'Not passed: a red line was crossed (12 of 14 points).'
"""

from __future__ import annotations

from dataclasses import dataclass

from .format import CERTAINTY, Choice, Scenario
from .play import Play

BEST, PARTLY, WRONG, RED_LINE = "best", "partly", "wrong", "red_line"


@dataclass(frozen=True)
class DebriefItem:
    """One decision on the learner's way through, and what would have been better."""

    number: int
    node_id: str
    situation: str
    chosen: str
    chosen_feedback: str
    verdict: str  # best, partly, wrong or red_line
    red_line: str | None
    best: tuple[Choice, ...]  # the best choices at that decision
    certainty: str | None
    certainty_marks: int | None


def verdict_of(choice: Choice, best: bool) -> str:
    if choice.red_line:
        return RED_LINE
    if best:
        return BEST
    return WRONG if choice.score <= 0 else PARTLY


def debrief(play: Play) -> list[DebriefItem]:
    """Each decision on the path, oldest first."""
    scenario: Scenario = play.scenario
    items = []
    for number, step in enumerate(play.path(), start=1):
        node = scenario.node(step.node_id)
        choice = node.choices[step.choice_index]
        best = tuple(c for c in node.choices if node.is_best(c))
        items.append(DebriefItem(number, node.id, node.text, choice.label, choice.feedback,
                                 verdict_of(choice, node.is_best(choice)), choice.red_line,
                                 best, step.certainty, step.certainty_marks))
    return items


def result_sentence(*, points: int, pass_mark: int, max_points: int, red_lines: int) -> str:
    """The pass decision in words: points, and whether a red line was crossed."""
    if red_lines:
        lines = "a red line was" if red_lines == 1 else f"{red_lines} red lines were"
        return f"Not passed: {lines} crossed ({points} of {max_points} points)."
    if points >= pass_mark:
        return f"Pass: {points} of {max_points} points, and no red line crossed."
    return f"Not passed: {points} of {max_points} points; {pass_mark} are needed to pass."


def pass_rule(pass_mark: int, max_points: int) -> str:
    """What passing takes, for the start screen."""
    return (f"To pass, score at least {pass_mark} of the {max_points} points and cross no "
            "red line. A red line is something staff must never do, such as typing a "
            "customer's password or code: choosing one means the attempt cannot pass.")


def marks_table() -> list[tuple[str, int, int]]:
    """(how sure, marks when right, marks when wrong), as the start screen shows them."""
    return [(level, right, wrong) for level, (right, wrong) in CERTAINTY.items()]


def calibration(play: Play) -> list[str]:
    """How often the learner was right at each level of certainty they used.

    "Right" means the best choice at that decision.
    """
    counts = {level: [0, 0] for level in CERTAINTY}
    for step in play.path():
        if step.certainty in counts:
            counts[step.certainty][0] += bool(step.best)
            counts[step.certainty][1] += 1
    out = []
    for level, (right, total) in counts.items():
        if total:
            times = "time" if right == 1 else "times"
            out.append(f"When you were {level}, you were right {right} {times} out of {total}.")
    return out
