"""Where the casebook lives: the database engine (the only code that creates one),
the tables, and the migrations that build and upgrade them."""

from .engine import (
    DEFAULT_PATH,
    SCHEMA_HEAD,
    Casebook,
    default_url,
    known_revisions,
    migrate_to,
    open_casebook,
)

__all__ = ["DEFAULT_PATH", "SCHEMA_HEAD", "Casebook", "default_url", "known_revisions",
           "migrate_to", "open_casebook"]
