"""events name the object they are about; the transactional outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sen_server.models
from sen_server.models import JSONType

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(
            sa.Column("object_type", sa.String(32), nullable=False, server_default="report")
        )
        batch.add_column(sa.Column("object_id", sa.String(64), nullable=True))
    op.execute("UPDATE event SET object_id = report_id WHERE report_id IS NOT NULL")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sen_server.models.UTCDateTime(), nullable=False),
        sa.Column("available_at", sen_server.models.UTCDateTime(), nullable=False),
        sa.Column("leased_until", sen_server.models.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sen_server.models.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
    )
    # The worker's claim: the oldest pending message that is due.
    op.create_index("ix_outbox_pending", "outbox", ["state", "available_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("object_id")
        batch.drop_column("object_type")
