"""Copy each entry's filter fields onto its label rows, for fast grouped counts.

The dashboards count labels (themes, resources...) by month under filters on
kind, service, region and date. Joining a million entries to their labels for
that took about 2.5 s; with these copies and a covering index the count reads
the label rows alone (measured 180 ms -> 52 ms at 100,000 entries, unfiltered).
The entry code keeps the copies in step whenever an entry changes.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COPIES = ("month", "kind", "library_service", "region", "deleted", "created_at")


def upgrade() -> None:
    op.add_column("entry_labels", sa.Column("month", sa.String(7)))
    op.add_column("entry_labels", sa.Column("kind", sa.String(32)))
    op.add_column("entry_labels", sa.Column("library_service", sa.String(200)))
    op.add_column("entry_labels", sa.Column("region", sa.String(200)))
    op.add_column("entry_labels", sa.Column("deleted", sa.Boolean))
    op.add_column("entry_labels", sa.Column("created_at", sa.DateTime(timezone=True)))
    if op.get_context().dialect.name == "sqlite":
        # Timestamps are stored as naive UTC text, so the month is their first 7 characters.
        op.execute("""
            UPDATE entry_labels SET
              month = (SELECT substr(created_at, 1, 7) FROM entries WHERE seq = entry_seq),
              kind = (SELECT kind FROM entries WHERE seq = entry_seq),
              library_service = (SELECT library_service FROM entries WHERE seq = entry_seq),
              region = (SELECT region FROM entries WHERE seq = entry_seq),
              deleted = (SELECT deleted FROM entries WHERE seq = entry_seq),
              created_at = (SELECT created_at FROM entries WHERE seq = entry_seq)""")
    else:
        op.execute("""
            UPDATE entry_labels AS l SET
              month = to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM'),
              kind = e.kind, library_service = e.library_service, region = e.region,
              deleted = e.deleted, created_at = e.created_at
            FROM entries AS e WHERE e.seq = l.entry_seq""")
    # Ordered so counts group by month and value as they read, and wide enough to
    # answer every copied filter without touching the table (a covering index).
    op.create_index("ix_entry_labels_counts", "entry_labels",
                    ["facet", "deleted", "month", "value", "kind", "library_service", "region",
                     "created_at"])


def downgrade() -> None:
    op.drop_index("ix_entry_labels_counts", "entry_labels")
    for column in reversed(COPIES):
        op.drop_column("entry_labels", column)
