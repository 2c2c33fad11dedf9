"""Intelligence tables. The accounting of disclosures (``disclosure*``) holds its own copies
of what it must answer (agency, report ids, persons): no foreign key to a report or a
product, so it survives the retention of the lead's content (SPEC §6: kept five years or
the life of the record, whichever is longer)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sen_server.models import json_column, utc_column


class TriageChange(SQLModel, table=True):
    """One move of a lead's triage state: the lead's triage history, numbered per lead."""

    __tablename__ = "intel_triage_change"
    __table_args__ = (sa.UniqueConstraint("report_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(
        sa_column=sa.Column(
            sa.String(32), sa.ForeignKey("report.id", ondelete="CASCADE"), nullable=False
        )
    )
    version: int
    from_state: str = Field(max_length=20)
    to_state: str = Field(max_length=20)
    note: str = Field(default="", max_length=2000)
    by: str = Field(max_length=150)
    at: datetime = Field(sa_column=utc_column())


class IntelProduct(SQLModel, table=True):
    __tablename__ = "intel_product"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    summary: str = Field(default="", max_length=20000)
    caveats: str = Field(default="", max_length=2000)
    marking: str = Field(max_length=100)
    lead_ids: list[str] = Field(default_factory=list, sa_column=json_column())
    # Per lead, the body as released (PII removed but for put-backs), and what was removed.
    content: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    removed: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    put_backs: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    status: str = Field(max_length=16)
    author_id: int = Field(foreign_key="user.id")
    authorized_by_id: int | None = Field(default=None, foreign_key="user.id")
    authorized_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revision: int = 1
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Agency(SQLModel, table=True):
    """An outside agency products may be disseminated to (admin-managed data)."""

    __tablename__ = "intel_agency"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    address: str = Field(max_length=500)
    email: str = Field(default="", max_length=254)
    certificate_pem: str = Field(max_length=20000)
    certificate_subject: str = Field(max_length=500)
    certificate_not_after: datetime = Field(sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column())


class Disclosure(SQLModel, table=True):
    """One dissemination: the Privacy Act accounting entry (5 U.S.C. 552a(c))."""

    __tablename__ = "disclosure"
    id: int | None = Field(default=None, primary_key=True)
    disclosed_at: datetime = Field(sa_column=utc_column(index=True))
    agency_id: int | None = None  # a copy, not a key: the agency may be removed later
    agency_name: str = Field(max_length=200)
    agency_address: str = Field(max_length=500)
    purpose: str = Field(max_length=2000)
    channel: str = Field(max_length=16)
    product_id: int = Field(index=True)
    product_title: str = Field(max_length=300)
    product_revision: int
    recorded_by: str = Field(max_length=150)
    export_name: str = Field(max_length=200)
    message_sha256: str = Field(max_length=64)


class DisclosureReport(SQLModel, table=True):
    """A report a disclosure drew on: "every disclosure of report Y"."""

    __tablename__ = "disclosure_report"
    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    report_id: str = Field(max_length=32, index=True)


class DisclosurePerson(SQLModel, table=True):
    """A person a disclosure concerns, from the leads' person records: "every disclosure
    concerning A-number X" (or a name, matched on ``name_key``)."""

    __tablename__ = "disclosure_person"
    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    report_id: str = Field(max_length=32)
    a_number: str | None = Field(default=None, max_length=12, index=True)
    name: str | None = Field(default=None, max_length=300)
    name_key: str | None = Field(default=None, max_length=300, index=True)
