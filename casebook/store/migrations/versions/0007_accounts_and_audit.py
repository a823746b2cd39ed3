"""Accounts for signing in, and an audit trail of who did what.

An account is a person who may sign in: the name they sign in with (kept in
lower case, so "Priya" and "priya" are one person), the name shown to others,
their library service, their roles, and whether they may sign in at all. A
password is kept only as an Argon2 hash; a one-time sign-in link only as a
SHA-256 hash of its secret, with the time it stops working. Failed sign-ins are
counted, and an account that fails too often is locked for a while.

The audit trail keeps one row per sign-in, refusal, export, download and
account change, never changed afterwards.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# As the tables were when made: a migration never follows later changes to schema.py.
seq_key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("library_service", sa.String(200)),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("password_hash", sa.Text),
        sa.Column("link_hash", sa.String(64)),
        sa.Column("link_expires_at", stamp),
        sa.Column("failed_sign_ins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", stamp),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("updated_at", stamp, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", seq_key, primary_key=True, autoincrement=True),
        sa.Column("at", stamp, nullable=False),
        sa.Column("actor", sa.String(100)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("accounts")
