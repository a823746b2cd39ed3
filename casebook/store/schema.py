"""The casebook's tables, as SQLAlchemy Core metadata.

This describes the newest schema for queries; the migrations under
``casebook/migrations/versions`` are what actually create and change tables, and
a test checks that the two agree.

Entries have two keys: ``seq``, a compact integer used for joins and as the
full-text index's rowid (it must never change, so it is an INTEGER PRIMARY KEY
on SQLite, where a hidden rowid could be renumbered by VACUUM), and ``id``, the
UUID that identifies the entry everywhere else, across exports and merges.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite keeps no zone, so values are stored as naive UTC and given their
    zone back when read; PostgreSQL stores ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value!r} has no time zone; the casebook stores UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# A 64-bit key on PostgreSQL; plain INTEGER on SQLite so it aliases the rowid.
SeqKey = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

meetups = Table(
    "meetups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("date", Date, nullable=False),
    Column("host_network", String(200)),
    Column("notes", Text),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

entries = Table(
    "entries",
    metadata,
    Column("seq", SeqKey, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("title", String(200)),
    Column("text", Text, nullable=False),
    Column("library_service", String(200)),
    Column("region", String(200)),
    Column("meetup_id", String(36), ForeignKey("meetups.id")),
    Column("created_by", String(200)),
    Column("status", String(16), nullable=False, default="published"),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Kinds of personal data removed before storing, with counts: {"PHONE": 1}.
    Column("redactions", JSON, nullable=False, default=dict, server_default=text("'{}'")),
    Index("ix_entries_created_at", "created_at"),
    Index("ix_entries_kind_created_at", "kind", "created_at"),
    Index("ix_entries_library_service", "library_service"),
    Index("ix_entries_meetup_id", "meetup_id"),
)

# Themes, offers, skills and resources: one row per label, so counts group in SQL.
# Each row carries copies of its entry's filter fields (kept in step by the entry
# code) so that grouped counts read this table alone, through a covering index.
entry_labels = Table(
    "entry_labels",
    metadata,
    Column("entry_seq", SeqKey, ForeignKey("entries.seq"), primary_key=True),
    Column("facet", String(8), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("month", String(7)),
    Column("kind", String(32)),
    Column("library_service", String(200)),
    Column("region", String(200)),
    Column("deleted", Boolean),
    Column("created_at", UTCDateTime),
    Index("ix_entry_labels_facet_value", "facet", "value", "entry_seq"),
    Index("ix_entry_labels_counts", "facet", "deleted", "month", "value", "kind",
          "library_service", "region", "created_at"),
)

# The audit trail: one row per create, update, delete or restore, never changed.
entry_revisions = Table(
    "entry_revisions",
    metadata,
    Column("seq", SeqKey, primary_key=True, autoincrement=True),
    Column("entry_seq", SeqKey, ForeignKey("entries.seq"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", String(200)),
    Column("at", UTCDateTime, nullable=False),
    Column("changes", JSON, nullable=False),
    UniqueConstraint("entry_seq", "number", name="uq_entry_revisions_entry_number"),
)

# Training: one row per attempt at a scenario, and one per step the learner took.
attempts = Table(
    "attempts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("learner", String(200), nullable=False),
    Column("library_service", String(200)),
    Column("scenario_id", String(100), nullable=False),
    Column("scenario_version", Integer, nullable=False),
    Column("scenario_title", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("score", Integer, nullable=False, default=0, server_default="0"),
    Column("max_score", Integer, nullable=False),
    Column("pass_mark", Integer, nullable=False),
    Column("passed", Boolean),
    Column("outcome", String(16)),
    Column("ending_node", String(100)),
    # LAPT certainty marks, apart from the score (None: the scenario did not ask).
    Column("certainty_score", Integer),
    Column("red_lines", Integer, nullable=False, default=0, server_default="0"),
    Index("ix_attempts_learner", "learner", "started_at"),
    Index("ix_attempts_scenario", "scenario_id", "started_at"),
)

attempt_steps = Table(
    "attempt_steps",
    metadata,
    Column("attempt_id", String(36), ForeignKey("attempts.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("action", String(8), nullable=False),
    Column("node_id", String(100), nullable=False),
    Column("choice_index", Integer),
    Column("choice_label", Text, nullable=False),
    Column("certainty", String(16)),
    Column("points", Integer, nullable=False),
    Column("score_after", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("shown_order", JSON),  # the file indexes of the choices, as shown
    Column("certainty_marks", Integer),
    Column("red_line", Text),  # the line this step crossed, in the scenario's words
    Column("best", Boolean),  # the best choice at its node (None before 0006)
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# People who may sign in (see casebook.accounts): secrets only as hashes.
accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),  # lower case, to sign in with
    Column("display_name", String(200), nullable=False),
    Column("library_service", String(200)),
    Column("roles", JSON, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False, server_default=text("false")),
    Column("password_hash", Text),        # Argon2
    Column("link_hash", String(64)),      # SHA-256 of a one-time sign-in link's secret
    Column("link_expires_at", UTCDateTime),
    Column("failed_sign_ins", Integer, nullable=False, default=0, server_default="0"),
    Column("locked_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Who signed in, was refused, exported, downloaded or changed an account: never changed.
audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", SeqKey, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100)),
    Column("action", String(32), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_events_at", "at"),
)
