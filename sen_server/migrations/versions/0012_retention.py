"""retention: legal holds and the tombstones of disposed records

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sen_server.models import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("placed_by", sa.String(150), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("lifted_by", sa.String(150), nullable=True),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lift_reason", sa.String(2000), nullable=True),
    )
    op.create_index("ix_legal_hold_report_id", "legal_hold", ["report_id"])
    op.create_table(
        "retention_tombstone",
        sa.Column("report_id", sa.String(32), primary_key=True),
        sa.Column("report_type", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("trigger_date", sa.Date(), nullable=False),
        sa.Column("cutoff_date", sa.Date(), nullable=False),
        sa.Column("disposition", sa.String(16), nullable=False),
        sa.Column("disposed_at", UTCDateTime(), nullable=False),
        sa.Column("package", sa.String(64), nullable=True),
        sa.Column("record_sha256", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("retention_tombstone")
    op.drop_index("ix_legal_hold_report_id", "legal_hold")
    op.drop_table("legal_hold")
