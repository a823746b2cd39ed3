"""Training attempts as xAPI statements, for a learning record store.

One statement per answer (verb ``answered``), then ``completed`` and ``passed``
or ``failed`` for a finished attempt. Learners appear only as a pseudonymous
account: a keyed hash of their name, with a secret kept in this casebook, so
the same person always gets the same pseudonym here but the name cannot be
recovered by hashing guesses. Statement ids are derived from the attempt and
step, so exporting twice gives the same statements (a record store ignores
the repeats).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator

from sqlalchemy import insert, select

from ..store import Casebook
from ..store.schema import settings
from ..validation import timestamp_text
from .attempts import Attempt, get_attempt, list_attempts

HOME = "https://library-casebook.invalid"
VERBS = {
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
# Documented in docs/scenario-format.md (Records): the learner's stated certainty and the
# LAPT marks it earned, the red line a choice crossed, and an attempt's totals of both.
CERTAINTY_EXTENSION = f"{HOME}/xapi/extensions/certainty"
CERTAINTY_MARKS_EXTENSION = f"{HOME}/xapi/extensions/certainty-marks"
RED_LINE_EXTENSION = f"{HOME}/xapi/extensions/red-line"
RED_LINES_EXTENSION = f"{HOME}/xapi/extensions/red-lines-crossed"
VERSION_EXTENSION = f"{HOME}/xapi/extensions/scenario-version"
_NAMESPACE = uuid.UUID("6d1f2c4e-8a43-4e55-9f0c-3b7a1e2d9c10")
_SECRET_KEY = "xapi_pseudonym_secret"


def _secret(cb: Casebook) -> bytes:
    with cb.write() as conn:
        value = conn.execute(select(settings.c.value)
                             .where(settings.c.key == _SECRET_KEY)).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(insert(settings).values(key=_SECRET_KEY, value=value))
    return bytes.fromhex(value)


def pseudonym(secret: bytes, learner: str) -> str:
    """The same short, opaque name for the same learner (case and spaces ignored)."""
    key = " ".join(learner.lower().split()).encode()
    return hmac.new(secret, key, hashlib.sha256).hexdigest()[:24]


def scenario_iri(scenario_id: str) -> str:
    return f"{HOME}/scenarios/{scenario_id}"


def statements(attempt: Attempt, secret: bytes) -> list[dict]:
    """The xAPI statements for one attempt (with its steps)."""
    actor = {"objectType": "Agent",
             "account": {"homePage": HOME, "name": pseudonym(secret, attempt.learner)}}
    parent = {"id": scenario_iri(attempt.scenario_id), "objectType": "Activity",
              "definition": {"type": ACTIVITY_TYPE,
                             "name": {"en-GB": attempt.scenario_title}}}
    context = {"registration": attempt.id,
               "contextActivities": {"parent": [{"id": parent["id"]}]},
               "extensions": {VERSION_EXTENSION: attempt.scenario_version}}
    out = []
    for number, step in enumerate(attempt.steps, start=1):
        if step.action != "choose":
            continue
        best = step.best if step.best is not None else step.points > 0
        result = {"response": step.label, "success": bool(best) and not step.red_line,
                  "score": {"raw": step.points}}
        extensions = {}
        if step.certainty:
            extensions[CERTAINTY_EXTENSION] = step.certainty
        if step.certainty_marks is not None:
            extensions[CERTAINTY_MARKS_EXTENSION] = step.certainty_marks
        if step.red_line:
            extensions[RED_LINE_EXTENSION] = step.red_line
        if extensions:
            result["extensions"] = extensions
        out.append(_statement(attempt, number, actor, "answered", {
            "objectType": "Activity", "id": f"{parent['id']}/nodes/{step.node_id}",
            "definition": {"type": INTERACTION_TYPE, "interactionType": "choice",
                           "name": {"en-GB": f"{attempt.scenario_title}: {step.node_id}"}}},
            result, context, step.at))
    if attempt.finished:
        scaled = (max(min(attempt.score / attempt.max_score, 1.0), -1.0)
                  if attempt.max_score > 0 else 0.0)
        score = {"raw": attempt.score, "max": attempt.max_score, "scaled": round(scaled, 4)}
        # A crossed red line fails the attempt whatever the score (passed is then false).
        final = {"score": score, "completion": True,
                 "success": bool(attempt.passed) and not attempt.red_lines,
                 "extensions": {RED_LINES_EXTENSION: attempt.red_lines}}
        if attempt.certainty_score is not None:
            final["extensions"][CERTAINTY_MARKS_EXTENSION] = attempt.certainty_score
        out.append(_statement(attempt, "completed", actor, "completed", parent, final,
                              context, attempt.finished_at))
        verdict = "passed" if attempt.passed else "failed"
        out.append(_statement(attempt, verdict, actor, verdict, parent, final, context,
                              attempt.finished_at))
    return out


def _statement(attempt: Attempt, part, actor: dict, verb: str, activity: dict, result: dict,
               context: dict, at) -> dict:
    return {
        "id": str(uuid.uuid5(_NAMESPACE, f"{attempt.id}/{part}")),
        "actor": actor,
        "verb": {"id": VERBS[verb], "display": {"en-GB": verb}},
        "object": activity,
        "result": result,
        "context": context,
        "timestamp": timestamp_text(at),
    }


def export_statements(cb: Casebook, *, learner: str | None = None,
                      scenario_id: str | None = None, limit: int = 1_000_000) -> Iterator[dict]:
    """The statements of matching attempts, oldest attempt first."""
    secret = _secret(cb)
    found = list_attempts(cb, learner=learner, scenario_id=scenario_id, limit=limit)
    for summary in reversed(found):
        yield from statements(get_attempt(cb, summary.id), secret)
