"""What an entry and a meet-up are made of, declared once.

Each field says its name, the name people see, its type, its limits and
vocabulary, whether a person may give it, whether a revision records its
changes, and whether exports carry it. Validation, the revision history, the
Table Schema of a data package and the columns of CSV and XLSX files are all
derived from these declarations, so a new field or a changed limit is one edit
here.

>>> ENTRY["text"].max_length, ENTRY["kind"].vocabulary[:2]
(10000, ('challenge', 'outcome'))
>>> [f.name for f in ENTRY.tracked()][:3]
['kind', 'title', 'text']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .resources import KNOWN_RESOURCES
from .taxonomy import KINDS, OFFERS, SKILLS, STATUSES, THEMES

TEXT = "text"          # free text, trimmed, with a length limit
CHOICE = "choice"      # one value from a vocabulary
LABELS = "labels"      # any number of values from a vocabulary
UUID = "uuid"
DATE = "date"
DATETIME = "datetime"  # UTC, written as RFC 3339 with a Z
BOOLEAN = "boolean"
COUNTS = "counts"      # a JSON object of counts, e.g. {"PHONE": 1}


@dataclass(frozen=True)
class Field:
    name: str
    label: str                       # the name people see, in forms, messages and sheets
    type: str
    max_length: int | None = None
    vocabulary: tuple[str, ...] = ()
    required: bool = False
    default: str | None = None       # taken when the field is not given (or given blank)
    given: bool = True               # a person or a file may give it (else the casebook sets it)
    tracked: bool = False            # a revision records its old and new value
    exported: bool = True
    facet: str | None = None         # for labels: the facet its rows carry in entry_labels
    description: str = ""


@dataclass(frozen=True)
class Fields:
    """An ordered set of fields, looked up by name."""

    fields: tuple[Field, ...]

    def __getitem__(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __contains__(self, name: object) -> bool:
        return any(field.name == name for field in self.fields)

    def names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def given(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.given)

    def tracked(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.tracked)

    def exported(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.exported)

    def of_type(self, *types: str) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.type in types)

    def facets(self, *, given_only: bool = False) -> dict[str, str]:
        """Each labels field's name and its facet: ``{"themes": "theme", ...}``."""
        return {f.name: f.facet for f in self.of_type(LABELS)
                if f.facet and (f.given or not given_only)}


ENTRY = Fields((
    Field("id", "ID", UUID, description="Given when the entry is created; kept through "
                                        "export, import and merge"),
    Field("kind", "Kind", CHOICE, vocabulary=KINDS, required=True, tracked=True),
    Field("title", "Title", TEXT, max_length=200, tracked=True),
    Field("text", "What was said", TEXT, max_length=10_000, required=True, tracked=True),
    Field("themes", "Themes", LABELS, vocabulary=THEMES, tracked=True, facet="theme"),
    Field("offers", "Universal Library Offers", LABELS, vocabulary=OFFERS, tracked=True,
          facet="offer"),
    Field("skills", "Essential Digital Skills", LABELS, vocabulary=SKILLS, tracked=True,
          facet="skill"),
    Field("resources", "Resources named", LABELS, vocabulary=tuple(KNOWN_RESOURCES),
          given=False, facet="resource",
          description="Recognised in the title and text, never typed in"),
    Field("library_service", "Library service", TEXT, max_length=200, tracked=True),
    Field("region", "Region", TEXT, max_length=200, tracked=True),
    Field("meetup_id", "Meet-up", UUID, tracked=True),
    Field("created_by", "Logged by", TEXT, max_length=200, tracked=True),
    Field("status", "Status", CHOICE, vocabulary=STATUSES, default="published", tracked=True),
    Field("deleted", "Deleted", BOOLEAN, given=False, tracked=True),
    Field("is_demo", "Demo data", BOOLEAN, given=False),
    Field("created_at", "Created", DATETIME),
    Field("updated_at", "Last changed", DATETIME, given=False),
    Field("redactions", "Personal data removed", COUNTS, given=False,
          description="Kinds of personal data removed before storing, with counts"),
))

MEETUP = Fields((
    Field("id", "ID", UUID, given=False),
    Field("title", "Meet-up title", TEXT, max_length=200, required=True),
    Field("date", "Date of the meet-up", DATE, required=True),
    Field("host_network", "Host network", TEXT, max_length=200),
    Field("notes", "Notes", TEXT, max_length=10_000),
    Field("is_demo", "Demo data", BOOLEAN, given=False),
    Field("created_at", "Created", DATETIME, given=False, exported=False),
))
