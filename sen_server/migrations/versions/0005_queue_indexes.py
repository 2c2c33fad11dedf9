"""queue pages as index range scans: sort keys on deliveries, indexes in each queue's order

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:00:00

A delivery now carries its report's type, ``submitted_at`` and ``updated_at`` (copied at
routing, kept in step by ``routing.service.sync_delivery_keys``), so that "my queue" is one
range of ``(user_id, report_submitted_at, report_id)``. The report indexes follow the
queues' orders (``updated_at`` or ``submitted_at``, the id breaking ties) under the column
a queue or a read grant fixes (author, type, status); single-column indexes that are now a
prefix of one of them are dropped. Unread deliveries get a partial index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sen_server.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The predicate exactly as SQLAlchemy renders ``models.unread_delivery()`` on each database:
# SQLite uses a partial index only for a query whose WHERE repeats its predicate.
UNREAD_SQLITE = "state = 'new' OR updated = 1"
UNREAD_POSTGRESQL = "state = 'new' OR updated = true"

REPORT_INDEXES = {
    "ix_report_author_updated": ["author_id", "updated_at", "id"],
    "ix_report_author_status_updated": ["author_id", "status", "updated_at", "id"],
    "ix_report_type_submitted": ["type", "submitted_at", "id", "status"],
    "ix_report_type_updated": ["type", "updated_at", "id", "status", "triage_status"],
    "ix_report_program_type_updated": ["program", "type", "updated_at", "id", "status"],
    "ix_report_status_updated": ["status", "updated_at", "id"],
}
OLD_REPORT_INDEXES = {
    "ix_report_type": ["type"],
    "ix_report_status": ["status"],
    "ix_report_author_id": ["author_id"],
    "ix_report_type_submitted_at": ["type", "submitted_at"],
}
DELIVERY_INDEXES = {
    "ix_delivery_user_submitted": ["user_id", "report_submitted_at", "report_id"],
    "ix_delivery_user_updated": ["user_id", "report_updated_at", "report_id"],
}
OLD_DELIVERY_INDEXES = {
    "ix_delivery_user_id": ["user_id"],
    "ix_delivery_user_state": ["user_id", "state"],
}
UNREAD_COLUMNS = ["user_id", "report_type", "report_submitted_at", "report_id"]


BACKFILL = """
UPDATE delivery SET
  report_type = (SELECT type FROM report WHERE report.id = delivery.report_id),
  report_submitted_at = (
    SELECT COALESCE(submitted_at, updated_at) FROM report WHERE report.id = delivery.report_id
  ),
  report_updated_at = (SELECT updated_at FROM report WHERE report.id = delivery.report_id)
"""


def upgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("report_type", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("report_submitted_at", sen_server.models.UTCDateTime(), nullable=True)
        )
        batch.add_column(
            sa.Column("report_updated_at", sen_server.models.UTCDateTime(), nullable=True)
        )
    op.execute(BACKFILL)
    with op.batch_alter_table("delivery") as batch:
        batch.alter_column("report_type", existing_type=sa.String(16), nullable=False)
        for name in ("report_submitted_at", "report_updated_at"):
            batch.alter_column(name, existing_type=sen_server.models.UTCDateTime(), nullable=False)
        for name in OLD_DELIVERY_INDEXES:
            batch.drop_index(name)
    for name, columns in DELIVERY_INDEXES.items():
        op.create_index(name, "delivery", columns)
    op.create_index(
        "ix_delivery_unread",
        "delivery",
        UNREAD_COLUMNS,
        sqlite_where=sa.text(UNREAD_SQLITE),
        postgresql_where=sa.text(UNREAD_POSTGRESQL),
    )
    for name in OLD_REPORT_INDEXES:
        op.drop_index(name, table_name="report")
    for name, columns in REPORT_INDEXES.items():
        op.create_index(name, "report", columns)


def downgrade() -> None:
    for name in REPORT_INDEXES:
        op.drop_index(name, table_name="report")
    for name, columns in OLD_REPORT_INDEXES.items():
        op.create_index(name, "report", columns)
    op.drop_index("ix_delivery_unread", table_name="delivery")
    for name in DELIVERY_INDEXES:
        op.drop_index(name, table_name="delivery")
    with op.batch_alter_table("delivery") as batch:
        for name, columns in OLD_DELIVERY_INDEXES.items():
            batch.create_index(name, columns)
        batch.drop_column("report_updated_at")
        batch.drop_column("report_submitted_at")
        batch.drop_column("report_type")
