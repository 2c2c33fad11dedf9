"""Wire schemas of IROC summaries and distribution lists (SPEC §5)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from shared.enums import ReportType
from shared.schemas import Strict

PARAGRAPH_MAX = 2000  # characters in one report's paragraph
SUMMARY_REPORTS_MAX = 100  # reports one summary may cite
LIST_NAME_MAX = 120
LIST_ADDRESSES_MAX = 200
WINDOW_HOURS_DEFAULT = 24
WINDOW_HOURS_MAX = 72  # the IROC queue's own window

# A list's id as a client may send it: bounded, so it never reaches the database as an
# integer the column cannot hold (a 400 naming the field, not a 500).
ListId = Annotated[int, Field(ge=1, le=2**31 - 1)]
ReportId = Annotated[str, Field(min_length=1, max_length=32)]


class DeliveryStatus(StrEnum):
    """Where a summary's email is: not sent yet, on its way (and retrying), or done."""

    DRAFT = "draft"
    QUEUED = "queued"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


# ---- distribution lists -------------------------------------------------------------


class DistributionListCreate(Strict):
    name: str = Field(min_length=1, max_length=LIST_NAME_MAX)
    addresses: list[Annotated[str, Field(max_length=254)]] = Field(
        default=[], max_length=LIST_ADDRESSES_MAX
    )


class DistributionListUpdate(Strict):
    """Rename, change members, or both."""

    name: str | None = Field(default=None, min_length=1, max_length=LIST_NAME_MAX)
    addresses: list[Annotated[str, Field(max_length=254)]] | None = Field(
        default=None, max_length=LIST_ADDRESSES_MAX
    )


class DistributionListPublic(BaseModel):
    id: int
    name: str
    addresses: list[str]
    retired: bool
    updated_at: datetime


class DistributionListRef(BaseModel):
    """What the composer's list picker shows: the name and how many addresses."""

    id: int
    name: str
    members: int


# ---- summaries ----------------------------------------------------------------------


class SummaryCandidate(BaseModel):
    """A report the composer's picker offers: envelope only."""

    id: str
    type: ReportType
    title: str
    case_number: str | None
    submitted_at: datetime | None
    default: bool  # in the default selection (every IROC type but SPEAR)
    needs_confirmation: bool  # a SPEAR: adding it must be confirmed
    summary_id: int | None = None  # already cited by this summary


class SummaryCreate(Strict):
    report_ids: list[ReportId] = Field(max_length=SUMMARY_REPORTS_MAX)
    # SPEAR reports among report_ids that the caller confirmed adding.
    spear_confirmed: list[ReportId] = Field(default=[], max_length=SUMMARY_REPORTS_MAX)
    list_ids: list[ListId] = Field(default=[], max_length=50)


class Paragraph(Strict):
    report_id: str = Field(max_length=32)
    text: str


class SummaryUpdate(Strict):
    base_revision: int = Field(ge=1, le=2**31 - 1)
    paragraphs: list[Paragraph] | None = Field(default=None, max_length=SUMMARY_REPORTS_MAX)
    list_ids: list[ListId] | None = Field(default=None, max_length=50)


class SummarySend(Strict):
    base_revision: int = Field(ge=1, le=2**31 - 1)


class Citation(BaseModel):
    report_id: str
    type: ReportType
    case_number: str | None


class SummaryPublic(BaseModel):
    id: int
    state: str  # draft | sent
    revision: int
    author: str
    paragraphs: list[Paragraph]
    citations: list[Citation]
    lists: list[DistributionListRef]
    recipients: list[str]  # as sent (drafts: what the chosen lists hold now)
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    message_id: str | None
    delivery: DeliveryStatus
    delivery_error: str | None = None  # the mail server's reply to the last try
    attempts: int = 0
    subject: str
    preview: str  # the plain-text body exactly as the email carries it


class SummaryListItem(BaseModel):
    id: int
    state: str
    author: str
    reports: int
    created_at: datetime
    sent_at: datetime | None
    recipients: int
    delivery: DeliveryStatus
    delivery_error: str | None = None
