"""per-source counts of logons and rejected tokens, for rate limits across instances

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sen_server.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_window",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("window_start", sen_server.models.UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("summarised", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "source", "window_start"),
    )


def downgrade() -> None:
    op.drop_table("source_window")
