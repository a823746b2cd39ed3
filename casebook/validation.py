"""Checks an entry's fields and returns them cleaned, or raises every problem at once.

Kept apart from storage so the forms, the importers and the CLI can all show
the same messages before anything is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from .errors import Problem, ValidationError
from .fields import CHOICE, ENTRY, TEXT

# Kept as names for the tests and messages that speak of them; the limits live in fields.
TEXT_MAX = ENTRY["text"].max_length
NAME_MAX = ENTRY["created_by"].max_length
SERVICE_MAX = ENTRY["library_service"].max_length

# Everything in Unicode's Cc category except tab and newline: these never belong
# in a note, and some (NUL, escape) break terminals, CSV files and databases.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# The fields a person or a file may give for an entry, in their declared order.
ENTRY_FIELDS = tuple(f.name for f in ENTRY.given())
FACET_FIELDS = ENTRY.facets(given_only=True)
# Short aliases used by the CLI flags and JSONL input, mapped to field names.
ALIASES = {
    "service": "library_service",
    "meetup": "meetup_id",
    "by": "created_by",
    "theme": "themes",
    "offer": "offers",
    "skill": "skills",
}
FACET_FIELDS = {"themes": "theme", "offers": "offer", "skills": "skill"}


def _listing(allowed: Iterable[str]) -> str:
    return ", ".join(allowed)


def check_control(field: str, value: str, problems: list[Problem]) -> None:
    bad = _CONTROL.search(value)
    if bad:
        problems.append(
            Problem(
                field,
                "control_character",
                f"contains control character U+{ord(bad.group()):04X} at position "
                f"{bad.start() + 1}; only newline and tab are allowed",
                value,
            )
        )


def required_text(field: str, value: object, limit: int, problems: list[Problem]) -> str | None:
    """Trimmed text that must not be blank, over ``limit`` or hold control characters."""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(field, "required", "is required and cannot be blank", value))
        return None
    value = value.strip()
    if len(value) > limit:
        problems.append(Problem(field, "too_long", f"has {len(value)} characters; at most {limit}"))
    check_control(field, value, problems)
    return value


def optional_text(
    data: Mapping, field: str, limit: int, problems: list[Problem]
) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(
            Problem(field, "type", f"must be text, found {type(value).__name__}", value)
        )
        return None
    value = value.strip()
    if len(value) > limit:
        problems.append(
            Problem(field, "too_long", f"has {len(value)} characters; at most {limit}", value)
        )
    check_control(field, value, problems)
    return value or None


def _labels(data: Mapping, field: str, problems: list[Problem]) -> list[str]:
    facet = FACET_FIELDS[field]
    allowed = ENTRY[field].vocabulary
    value = data.get(field)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        problems.append(
            Problem(field, "type", f"must be a list of text, found {type(value).__name__}", value)
        )
        return []
    cleaned: list[str] = []
    for item in value:
        if item not in allowed:
            problems.append(
                Problem(
                    field,
                    "unknown",
                    f"{facet} {item!r} is not one of: {_listing(allowed)}",
                    item,
                )
            )
        elif item not in cleaned:
            cleaned.append(item)
    # Taxonomy order, so the same set of labels always compares and displays the same.
    return sorted(cleaned, key=allowed.index)


def _timestamp(data: Mapping, problems: list[Problem]) -> datetime | None:
    value = data.get("created_at")
    try:
        return parse_timestamp(value)
    except ValueError:
        problems.append(Problem("created_at", "format", f"{value!r} is not an ISO 8601 date and "
                                                        "time (e.g. 2025-03-24T10:30:00Z)", value))
        return None


def timestamp_text(moment: datetime) -> str:
    """The one way the casebook writes a time in JSON and files: RFC 3339, UTC, ``Z``,
    always with microseconds, so every output sorts and compares as text.

    >>> timestamp_text(datetime(2025, 3, 24, 10, 30, tzinfo=UTC))
    '2025-03-24T10:30:00.000000Z'
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: object) -> datetime:
    """A time from an ISO 8601 / RFC 3339 text (a missing zone is UTC); ValueError if not."""
    if isinstance(value, datetime):
        stamp = value
    else:
        stamp = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    # A time with no zone is taken as UTC: the casebook stores UTC throughout.
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)


def normalise_keys(data: Mapping) -> dict:
    """Map the short aliases (``service``, ``theme``, ``by``…) to field names."""
    return {ALIASES.get(key, key): value for key, value in data.items()}


def clean_entry(data: Mapping, *, partial: bool = False) -> dict:
    """Validate an entry's fields and return them cleaned.

    Collects every problem before raising :class:`ValidationError`. With
    ``partial=True`` only the fields present are checked (for updates).

    >>> clean_entry({"kind": "challenge", "text": "  Too few volunteers  "})["text"]
    'Too few volunteers'
    """
    data = normalise_keys(data)
    problems: list[Problem] = []
    unknown = sorted(set(data) - set(ENTRY_FIELDS))
    for field in unknown:
        problems.append(
            Problem(field, "unknown_field", f"is not an entry field; use: {_listing(ENTRY_FIELDS)}")
        )
    cleaned: dict = {}

    for spec in ENTRY.given():
        if partial and spec.name not in data:
            continue
        if spec.type == CHOICE:
            cleaned[spec.name] = _choice(data, spec.name, problems)
        elif spec.type == TEXT and spec.required:
            cleaned[spec.name] = required_text(spec.name, data.get(spec.name), spec.max_length,
                                               problems)
        elif spec.type == TEXT:
            cleaned[spec.name] = optional_text(data, spec.name, spec.max_length, problems)
        elif spec.name in FACET_FIELDS:
            cleaned[spec.name] = _labels(data, spec.name, problems)

    if data.get("meetup_id") is not None:
        cleaned["meetup_id"] = _uuid_text(data["meetup_id"], "meetup_id", problems)
    elif not partial:
        cleaned["meetup_id"] = None

    if data.get("id") is not None:
        cleaned["id"] = _uuid_text(data["id"], "id", problems)
    if data.get("created_at") is not None:
        cleaned["created_at"] = _timestamp(data, problems)

    if problems:
        raise ValidationError(problems)
    return cleaned


def _choice(data: Mapping, field: str, problems: list[Problem]) -> str | None:
    spec = ENTRY[field]
    value = data.get(field) or spec.default
    if value not in spec.vocabulary:
        found = "nothing" if value is None else repr(value)
        problems.append(Problem(field, "unknown",
                                f"found {found}; expected one of: {_listing(spec.vocabulary)}",
                                value))
    return value


def _uuid_text(value: object, field: str, problems: list[Problem]) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        problems.append(Problem(field, "format", f"{value!r} is not a UUID", value))
        return None
