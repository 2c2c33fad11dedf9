"""outbox subject: what a message is about, indexed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 05:40:00

A summary's delivery state is its newest outbox message. It was found by reading
``summary_id`` out of every summary email's JSON payload, a scan that grows with every
summary ever sent; ``subject`` ("summary:12", "disclosure:7") is looked up by index.
Existing messages get theirs from their payloads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# kind -> (subject prefix, payload key)
SUBJECTS = {"summary.email": ("summary", "summary_id"), "intel.export": ("disclosure", "disclosure_id")}


def upgrade() -> None:
    op.add_column("outbox", sa.Column("subject", sa.String(length=80), nullable=True))
    op.create_index("ix_outbox_subject", "outbox", ["subject", "id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for kind, (prefix, key) in SUBJECTS.items():
        value = f"(payload->>'{key}')" if postgres else f"json_extract(payload, '$.{key}')"
        op.execute(
            sa.text(f"UPDATE outbox SET subject = :prefix || {value} WHERE kind = :kind").bindparams(
                prefix=f"{prefix}:", kind=kind
            )
        )


def downgrade() -> None:
    op.drop_index("ix_outbox_subject", table_name="outbox")
    op.drop_column("outbox", "subject")
