"""Record, per entry, which kinds of personal data were removed and how many.

Only counts are kept (e.g. {"PHONE": 1}), never the values removed.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: on SQLite a batch rebuilds the table, which
# drops the full-text triggers and copies every row. ADD COLUMN with a constant
# default needs neither.
def upgrade() -> None:
    op.add_column(
        "entries",
        sa.Column("redactions", sa.JSON, nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    op.drop_column("entries", "redactions")
