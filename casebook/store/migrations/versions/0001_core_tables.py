"""Core tables: meet-ups, entries, their labels and their revision history.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

seq_key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meetups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("host_network", sa.String(200)),
        sa.Column("notes", sa.Text),
        sa.Column("is_demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", stamp, nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("seq", seq_key, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("library_service", sa.String(200)),
        sa.Column("region", sa.String(200)),
        sa.Column("meetup_id", sa.String(36), sa.ForeignKey("meetups.id")),
        sa.Column("created_by", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False, server_default="published"),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("updated_at", stamp, nullable=False),
    )
    op.create_index("ix_entries_created_at", "entries", ["created_at"])
    op.create_index("ix_entries_kind_created_at", "entries", ["kind", "created_at"])
    op.create_index("ix_entries_library_service", "entries", ["library_service"])
    op.create_index("ix_entries_meetup_id", "entries", ["meetup_id"])
    op.create_table(
        "entry_labels",
        sa.Column("entry_seq", seq_key, sa.ForeignKey("entries.seq"), primary_key=True),
        sa.Column("facet", sa.String(8), primary_key=True),
        sa.Column("value", sa.String(64), primary_key=True),
    )
    op.create_index(
        "ix_entry_labels_facet_value", "entry_labels", ["facet", "value", "entry_seq"]
    )
    op.create_table(
        "entry_revisions",
        sa.Column("seq", seq_key, primary_key=True, autoincrement=True),
        sa.Column("entry_seq", seq_key, sa.ForeignKey("entries.seq"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200)),
        sa.Column("at", stamp, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.UniqueConstraint("entry_seq", "number", name="uq_entry_revisions_entry_number"),
    )


def downgrade() -> None:
    op.drop_table("entry_revisions")
    op.drop_table("entry_labels")
    op.drop_table("entries")
    op.drop_table("meetups")
