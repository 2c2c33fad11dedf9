"""intelligence: lead triage history, intel products, outside agencies, and the accounting
of disclosures (its own rows, no key to a report or product: it outlives their content)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import sen_server.models
from sen_server.models import JSONType

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosed_at", sen_server.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("agency_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("agency_address", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("product_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("product_revision", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("export_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("message_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disclosure_disclosed_at"), ["disclosed_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disclosure_product_id"), ["product_id"], unique=False)

    op.create_table(
        "intel_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column(
            "certificate_pem", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False
        ),
        sa.Column(
            "certificate_subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False
        ),
        sa.Column(
            "certificate_not_after", sen_server.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_at", sen_server.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "disclosure_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("a_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosure.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disclosure_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disclosure_person_a_number"), ["a_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disclosure_person_disclosure_id"), ["disclosure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disclosure_person_name_key"), ["name_key"], unique=False
        )

    op.create_table(
        "disclosure_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosure.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disclosure_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disclosure_report_disclosure_id"), ["disclosure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disclosure_report_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "intel_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.Column("caveats", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("marking", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("lead_ids", JSONType, nullable=False),
        sa.Column("content", JSONType, nullable=False),
        sa.Column("removed", JSONType, nullable=False),
        sa.Column("put_backs", JSONType, nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("authorized_by_id", sa.Integer(), nullable=True),
        sa.Column("authorized_at", sen_server.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sen_server.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sen_server.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["authorized_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "intel_triage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("from_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("to_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("at", sen_server.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "version"),
    )


def downgrade() -> None:
    op.drop_table("intel_triage_change")
    op.drop_table("intel_product")
    with op.batch_alter_table("disclosure_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_report_report_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_report_disclosure_id"))

    op.drop_table("disclosure_report")
    with op.batch_alter_table("disclosure_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_person_name_key"))
        batch_op.drop_index(batch_op.f("ix_disclosure_person_disclosure_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_person_a_number"))

    op.drop_table("disclosure_person")
    op.drop_table("intel_agency")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_product_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_disclosed_at"))

    op.drop_table("disclosure")
