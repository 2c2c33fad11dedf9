"""IROC summaries: distribution lists and summaries (SPEC §5)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sen_server.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "distribution_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("addresses", JSON, nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sen_server.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sen_server.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("paragraphs", JSON, nullable=False),
        sa.Column("citations", JSON, nullable=False),
        sa.Column("list_ids", JSON, nullable=False),
        sa.Column("spear_confirmed", JSON, nullable=False),
        sa.Column("recipients", JSON, nullable=False),
        sa.Column("message_id", sa.String(200), nullable=True),
        sa.Column("created_at", sen_server.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sen_server.models.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sen_server.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_summary_author_id", "summary", ["author_id"])
    op.create_index("ix_summary_sent_at", "summary", ["sent_at"])
    with op.batch_alter_table("report") as batch_op:
        # The summary that cited the report (the queue and the detail show it).
        batch_op.add_column(sa.Column("summary_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report") as batch_op:
        batch_op.drop_column("summary_id")
    op.drop_index("ix_summary_sent_at", table_name="summary")
    op.drop_index("ix_summary_author_id", table_name="summary")
    op.drop_table("summary")
    op.drop_table("distribution_list")
