"""Storage of the summaries domain: distribution lists and summaries.

Kept out of ``sen_server.models`` so that domains merge without fighting over one file;
imported wherever that module registers its tables (migrations/env.py, the runtime).
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sen_server.models import json_column, utc_column


class DistributionList(SQLModel, table=True):
    """A name and the email addresses a summary sent to it reaches (admin-managed data)."""

    __tablename__ = "distribution_list"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(120), nullable=False, unique=True))
    addresses: list[str] = Field(default_factory=list, sa_column=json_column())
    retired: bool = False
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Summary(SQLModel, table=True):
    """An IROC summary: a draft while it is edited, immutable once sent.

    ``paragraphs`` is ``[{"report_id", "text"}]`` in the order the email cites them;
    ``citations`` is ``[{"report_id", "case_number", "type"}]``, fixed at creation;
    ``recipients`` are the addresses resolved from the lists at send time, kept as sent.
    Delivery state lives in the outbox message that carries ``{"summary_id": id}``."""

    __tablename__ = "summary"

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(default="draft", max_length=16)  # draft | sent
    revision: int = 1
    author_id: int = Field(foreign_key="user.id", index=True)
    paragraphs: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    citations: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    list_ids: list[int] = Field(default_factory=list, sa_column=json_column())
    # SPEAR reports the author confirmed adding (SPEC §5: "adding a SPEAR asks").
    spear_confirmed: list[str] = Field(default_factory=list, sa_column=json_column())
    recipients: list[str] = Field(default_factory=list, sa_column=json_column())
    message_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True, index=True))
