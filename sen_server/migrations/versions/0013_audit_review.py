"""audit review: indexes in the audit list's order; each checkpoint keeps its interval

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 02:10:00

The audit list pages by keyset (``seq`` descending) under each filter; the failed-logon
report reads one action over a time window. ``audit_checkpoint.every`` is the checkpoint
interval the writer used, signed with the checkpoint. A plain ADD COLUMN (no table copy):
the append-only triggers on audit_checkpoint stay as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_audit_record_actor_seq": ["actor", "seq"],
    "ix_audit_record_action_seq": ["action", "seq"],
    "ix_audit_record_object_seq": ["object_id", "seq"],
    "ix_audit_record_outcome_seq": ["outcome", "seq"],
    "ix_audit_record_action_at": ["action", "at"],
    "ix_audit_record_at": ["at"],
}


def upgrade() -> None:
    op.add_column("audit_checkpoint", sa.Column("every", sa.Integer(), nullable=True))
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_record", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="audit_record")
    op.drop_column("audit_checkpoint", "every")
