"""The casebook's errors: one small hierarchy, each message naming what was
expected and what was found, so the CLI and the apps can show it as it is."""

from __future__ import annotations

from dataclasses import dataclass


class CasebookError(Exception):
    """Base of every error the casebook raises on purpose (bad input, bad files)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: which field, a reason code, and a message.

    ``row`` is the line or row number when the input came from a file.
    """

    field: str
    code: str
    message: str
    value: object = None
    row: int | None = None

    def __str__(self) -> str:
        where = f"line {self.row}: " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class ValidationError(CasebookError):
    """Input broke one or more rules. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class NotACasebook(CasebookError):
    """The database named is some other file or database, not a casebook."""


class SchemaTooNew(CasebookError):
    """The casebook was written by a newer version of this software."""


class NotFound(CasebookError):
    """No entry, meet-up or other record has the id asked for."""


class DatabaseUnavailable(CasebookError):
    """The database server could not be reached, or the URL is not usable."""


class NotSaved(CasebookError):
    """A write to the casebook failed; nothing of it was stored and nothing moved on."""
