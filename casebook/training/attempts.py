"""Training attempts, stored as they happen: every step is written when it is taken,
so an attempt interrupted by a closed tab or a crashed PC can be resumed.

>>> # session = start_session(cb, scenario, learner="Sam")   # then, for each choice:
>>> # session.choose(0)                                      # saved before it returns
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError

from ..errors import NotFound, NotSaved, Problem, ValidationError
from ..store import Casebook
from ..store.schema import attempt_steps, attempts
from ..validation import NAME_MAX, SERVICE_MAX, check_control, timestamp_text
from .catalogue import Catalogue
from .format import Scenario
from .play import Play, Step


@dataclass(frozen=True)
class Attempt:
    id: str
    learner: str
    library_service: str | None
    scenario_id: str
    scenario_version: int
    scenario_title: str
    started_at: datetime
    finished_at: datetime | None
    score: int
    max_score: int
    pass_mark: int
    passed: bool | None
    outcome: str | None
    ending_node: str | None
    certainty_score: int | None = None
    red_lines: int = 0
    steps: tuple[Step, ...] = ()

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def to_dict(self, *, steps: bool = False) -> dict:
        """The attempt's fields, JSON-ready: times in RFC 3339 UTC. With ``steps``, each
        step too: node, choice (file index), the order shown, certainty and its marks,
        whether it was the best choice and the red line it crossed."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "steps"}
        for name in ("started_at", "finished_at"):
            data[name] = data[name] and timestamp_text(data[name])
        if steps:
            data["steps"] = [{
                "number": number, "action": s.action, "node_id": s.node_id,
                "choice_index": s.choice_index, "label": s.label,
                "shown_order": list(s.shown_order), "certainty": s.certainty,
                "certainty_marks": s.certainty_marks, "points": s.points, "best": s.best,
                "red_line": s.red_line, "at": timestamp_text(s.at),
            } for number, s in enumerate(self.steps, start=1)]
        return data


@dataclass
class Session:
    """A play that saves itself: use :meth:`choose` and :meth:`back` on this.

    Each step is stored before the play moves on. If storing fails, the play is
    left exactly as it was (same node, same steps) and :class:`NotSaved` is
    raised, so the screen can stay where the learner was and a later try is
    recorded at the right node with the right step number.
    """

    casebook: Casebook
    attempt_id: str
    play: Play

    def choose(self, index: int, certainty: str | None = None) -> Step:
        return self._saved(lambda trial: trial.choose(index, certainty))

    def back(self) -> Step:
        return self._saved(lambda trial: trial.back())

    def _saved(self, act: Callable[[Play], Step]) -> Step:
        trial = self.play.copy()
        step = act(trial)  # bad input raises here, before anything is written
        try:
            _save_step(self.casebook, self.attempt_id, trial)
        except (DBAPIError, OSError) as exc:
            raise NotSaved("Your last choice was not saved, so the scenario has not moved "
                           "on. Please try again in a moment.") from exc
        self.play = trial
        return step


def _clean_learner(learner: object, service: object) -> tuple[str, str | None]:
    problems: list[Problem] = []
    name = learner.strip() if isinstance(learner, str) else ""
    if not name:
        problems.append(Problem("learner", "required", "type your name or staff id"))
    elif len(name) > NAME_MAX:
        problems.append(Problem("learner", "too_long", f"has {len(name)} characters; "
                                                       f"at most {NAME_MAX}"))
    check_control("learner", name, problems)
    place = service.strip() if isinstance(service, str) and service.strip() else None
    if place and len(place) > SERVICE_MAX:
        problems.append(Problem("library_service", "too_long", f"at most {SERVICE_MAX} "
                                                               "characters"))
    if problems:
        raise ValidationError(problems)
    return name, place


def start_session(cb: Casebook, scenario: Scenario, *, learner: str,
                  library_service: str | None = None) -> Session:
    """Begin a new attempt, recorded at once (so it appears as started, unfinished)."""
    name, place = _clean_learner(learner, library_service)
    attempt_id = str(uuid.uuid4())
    # The attempt's id fixes the order its choices are shown in, resumed or not.
    play = Play(scenario, order_seed=attempt_id)
    with cb.write() as conn:
        conn.execute(insert(attempts).values(
            id=attempt_id, learner=name, library_service=place, scenario_id=scenario.id,
            scenario_version=scenario.version, scenario_title=scenario.title,
            started_at=datetime.now(UTC), score=0, max_score=play.max_score,
            pass_mark=scenario.pass_mark))
    return Session(cb, attempt_id, play)


def _save_step(cb: Casebook, attempt_id: str, play: Play) -> None:
    step = play.steps[-1]
    finished = {}
    if play.finished:
        finished = {"finished_at": step.at, "passed": play.passed,
                    "outcome": play.ending.outcome, "ending_node": play.node_id}
    with cb.write() as conn:
        conn.execute(insert(attempt_steps).values(
            attempt_id=attempt_id, number=len(play.steps), action=step.action,
            node_id=step.node_id, choice_index=step.choice_index, choice_label=step.label,
            certainty=step.certainty, points=step.points, score_after=step.score_after,
            at=step.at, shown_order=list(step.shown_order) or None,
            certainty_marks=step.certainty_marks, red_line=step.red_line,
            best=step.best if step.action == "choose" else None))
        conn.execute(update(attempts).where(attempts.c.id == attempt_id)
                     .values(score=play.points, certainty_score=play.certainty_score,
                             red_lines=len(play.red_lines), **finished))


def _steps(conn, attempt_id: str) -> tuple[Step, ...]:
    rows = conn.execute(select(attempt_steps).where(attempt_steps.c.attempt_id == attempt_id)
                        .order_by(attempt_steps.c.number))
    return tuple(Step(r.action, r.node_id, r.choice_index, r.choice_label, r.certainty,
                      r.points, r.score_after, "", r.at, tuple(r.shown_order or ()),
                      r.certainty_marks, r.red_line,
                      None if r.best is None else bool(r.best)) for r in rows)


def _attempt(row, steps: tuple[Step, ...] = ()) -> Attempt:
    data = dict(row._mapping)
    data["passed"] = None if data["passed"] is None else bool(data["passed"])
    data["red_lines"] = data["red_lines"] or 0
    return Attempt(**data, steps=steps)


def get_attempt(cb: Casebook, attempt_id: str) -> Attempt:
    """One attempt with all its steps."""
    with cb.read() as conn:
        row = conn.execute(select(attempts).where(attempts.c.id == attempt_id)).first()
        if row is None:
            raise NotFound(f"no attempt has id {attempt_id}")
        return _attempt(row, _steps(conn, attempt_id))


def list_attempts(cb: Casebook, *, learner: str | None = None, scenario_id: str | None = None,
                  limit: int = 100) -> list[Attempt]:
    """Attempts, newest first (without their steps)."""
    query = select(attempts).order_by(attempts.c.started_at.desc()).limit(limit)
    if learner is not None:
        query = query.where(func.lower(attempts.c.learner) == learner.strip().lower())
    if scenario_id is not None:
        query = query.where(attempts.c.scenario_id == scenario_id)
    with cb.read() as conn:
        return [_attempt(row) for row in conn.execute(query)]


def resume_session(cb: Casebook, attempt_id: str, catalogue: Catalogue) -> Session:
    """Carry on an unfinished attempt where it stopped.

    Refused if the attempt is finished, or the scenario has changed version
    since (its nodes may no longer match the recorded steps).
    """
    attempt = get_attempt(cb, attempt_id)
    scenario = catalogue.get(attempt.scenario_id)
    if attempt.finished:
        raise ValidationError([Problem("attempt", "finished", "this attempt is finished")])
    if scenario.version != attempt.scenario_version:
        raise ValidationError([Problem(
            "attempt", "version", f"the scenario has changed since (version "
                                  f"{attempt.scenario_version} to {scenario.version}); "
                                  "start it again")])
    return Session(cb, attempt.id, Play.replay(scenario, list(attempt.steps),
                                               order_seed=attempt.id))


def unfinished(cb: Casebook, learner: str, scenario: Scenario) -> Attempt | None:
    """The learner's latest unfinished attempt at this version of a scenario, if any."""
    for attempt in list_attempts(cb, learner=learner, scenario_id=scenario.id, limit=20):
        if not attempt.finished and attempt.scenario_version == scenario.version:
            return attempt
    return None
