"""The library digital-inclusion casebook: a shared database of what library
services learn, with training records, importable without Jupyter.

Example::

    import casebook
    book = casebook.open_casebook("sqlite:///var/casebook.db")
    casebook.add_entry(book, {"kind": "approach", "text": "Tea and Tech"})
"""

from .entries import (
    Entry,
    Revision,
    add_entry,
    count_entries,
    delete_entry,
    entry_history,
    get_entry,
    list_entries,
    restore_entry,
    update_entry,
)
from .errors import (
    CasebookError,
    DatabaseUnavailable,
    NotACasebook,
    NotFound,
    Problem,
    SchemaTooNew,
    ValidationError,
)
from .filters import EntryFilter
from .meetups import Meetup, add_meetup, count_meetups, get_meetup, list_meetups
from .search import Hit, search
from .store import Casebook, default_url, open_casebook

__all__ = [
    "Casebook", "CasebookError", "DatabaseUnavailable", "Entry", "EntryFilter", "Hit",
    "Meetup", "NotACasebook", "NotFound", "Problem", "Revision", "SchemaTooNew",
    "ValidationError", "add_entry", "add_meetup", "count_entries", "count_meetups", "default_url",
    "describe_casebook",
    "delete_entry", "entry_history", "get_entry", "get_meetup", "list_entries",
    "list_meetups", "open_casebook", "restore_entry", "search", "update_entry",
]


def describe_casebook(book: Casebook) -> str:
    """A sentence for people (not code) saying which casebook is open and what it holds."""
    entries = count_entries(book)
    meetups = count_meetups(book)
    where = "a file on this computer" if book.dialect == "sqlite" else "the network's database"
    noun = "entry" if entries == 1 else "entries"
    return (f"The casebook ({where}) holds **{entries:,} {noun}** from "
            f"**{meetups:,} meet-up{'s' if meetups != 1 else ''}**.")
