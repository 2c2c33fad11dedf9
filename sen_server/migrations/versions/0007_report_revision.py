"""a revision on each report, apart from its version: draft saves stop making versions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00

``report.version`` was both the number people see and the token a write is checked
against, so ten draft saves made "version 11". The token is now ``report.revision``
(every write counts it); the version counts content states others can see. Existing
reports start at the revision they were at, which is their version.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=True))
    op.execute("UPDATE report SET revision = version")
    with op.batch_alter_table("report") as batch:
        batch.alter_column("revision", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.drop_column("revision")
