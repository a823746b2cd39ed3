"""What a training record needs to tell judgement from bravado.

Each step keeps the order its choices were shown in (attempts shuffle them),
the certainty marks it earned (LAPT) and the red line it crossed, if any; each
attempt keeps its certainty score apart from its points, and how many red
lines it crossed. Old attempts keep everything they had: their new columns
stay empty (no order recorded, no certainty score, no red line counted).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt_steps") as batch:
        batch.add_column(sa.Column("shown_order", sa.JSON))
        batch.add_column(sa.Column("certainty_marks", sa.Integer))
        # The line crossed, in the scenario's words; empty for every other step.
        batch.add_column(sa.Column("red_line", sa.Text))
        batch.add_column(sa.Column("best", sa.Boolean))  # the best choice at its node
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("certainty_score", sa.Integer))
        batch.add_column(sa.Column("red_lines", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("red_lines")
        batch.drop_column("certainty_score")
    with op.batch_alter_table("attempt_steps") as batch:
        batch.drop_column("best")
        batch.drop_column("red_line")
        batch.drop_column("certainty_marks")
        batch.drop_column("shown_order")
