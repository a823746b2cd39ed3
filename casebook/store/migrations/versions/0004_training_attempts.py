"""Training attempts: who played which scenario, every step they took, and the result;
and a small settings table.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner", sa.String(200), nullable=False),
        sa.Column("library_service", sa.String(200)),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("scenario_version", sa.Integer, nullable=False),
        sa.Column("scenario_title", sa.String(200), nullable=False),
        sa.Column("started_at", stamp, nullable=False),
        sa.Column("finished_at", stamp),
        sa.Column("score", sa.Integer, nullable=False, server_default="0"),
        sa.Column("max_score", sa.Integer, nullable=False),
        sa.Column("pass_mark", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean),
        sa.Column("outcome", sa.String(16)),
        sa.Column("ending_node", sa.String(100)),
    )
    op.create_index("ix_attempts_learner", "attempts", ["learner", "started_at"])
    op.create_index("ix_attempts_scenario", "attempts", ["scenario_id", "started_at"])
    op.create_table(
        "attempt_steps",
        sa.Column("attempt_id", sa.String(36), sa.ForeignKey("attempts.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("node_id", sa.String(100), nullable=False),
        sa.Column("choice_index", sa.Integer),
        sa.Column("choice_label", sa.Text, nullable=False),
        sa.Column("certainty", sa.String(16)),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("score_after", sa.Integer, nullable=False),
        sa.Column("at", stamp, nullable=False),
    )


    # Values this casebook keeps for itself, such as the secret behind learner pseudonyms.
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_table("attempt_steps")
    op.drop_table("attempts")
