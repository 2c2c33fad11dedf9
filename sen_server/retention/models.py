"""Tables of the retention domain: legal holds and the tombstones of disposed records."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sen_server.models import utc_column


class LegalHold(SQLModel, table=True):
    """A hold on one report: while it is not lifted, the report is neither transferred nor
    destroyed. Lifted holds are kept (who lifted it, when and why)."""

    __tablename__ = "legal_hold"
    id: int | None = Field(default=None, primary_key=True)
    # No foreign key: a hold outlives a lift, and the report may later be disposed of.
    report_id: str = Field(max_length=32, index=True)
    reason: str = Field(max_length=2000)
    placed_by: str = Field(max_length=150)
    placed_at: datetime = Field(sa_column=utc_column())
    lifted_by: str | None = Field(default=None, max_length=150)
    lifted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    lift_reason: str | None = Field(default=None, max_length=2000)


class RetentionTombstone(SQLModel, table=True):
    """What is left of a disposed record: its ID, type, dates and disposition, no content."""

    __tablename__ = "retention_tombstone"
    report_id: str = Field(primary_key=True, max_length=32)
    report_type: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=utc_column())
    trigger_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    cutoff_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    disposition: str = Field(max_length=16)  # transferred | destroyed
    disposed_at: datetime = Field(sa_column=utc_column())
    # For a transfer: the package that holds the record and the SHA-256 of its line there.
    package: str | None = Field(default=None, max_length=64)
    record_sha256: str | None = Field(default=None, max_length=64)
