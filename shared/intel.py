"""The wire contract of intelligence (SPEC §6): lead triage, intel products, outside
agencies, disseminations and the accounting of disclosures."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from shared.enums import DEFAULT_MARKING
from shared.schemas import Strict

# A put-back must say why in words a second analyst can weigh, not "ok".
MIN_JUSTIFICATION = 20
MAX_LEADS_PER_PRODUCT = 200
MAX_INT = 2**31 - 1  # ids and revisions fit a 32-bit column on both databases


class TriageState(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    FLAGGED_FOR_HSI = "flagged_for_hsi"
    NO_ACTION = "no_action"


# The only moves triage allows (SPEC §6): new -> reviewed -> flagged_for_hsi | no_action.
TRIAGE_MOVES: dict[TriageState, frozenset[TriageState]] = {
    TriageState.NEW: frozenset({TriageState.REVIEWED}),
    TriageState.REVIEWED: frozenset({TriageState.FLAGGED_FOR_HSI, TriageState.NO_ACTION}),
    TriageState.FLAGGED_FOR_HSI: frozenset(),
    TriageState.NO_ACTION: frozenset(),
}


class ProductStatus(StrEnum):
    DRAFT = "draft"  # written or edited, awaiting a second analyst
    AUTHORIZED = "authorized"  # a different intel_ops analyst authorized this revision


class ProductAction(StrEnum):
    """What the reader may do to a product now (computed by the server's policy)."""

    EDIT = "edit"
    AUTHORIZE = "authorize"
    DISSEMINATE = "disseminate"


class ExportChannel(StrEnum):
    EMAIL = "email"  # an encrypted S/MIME message handed to the outbox
    FILE = "file"  # an encrypted .p7m/.eml file written for hand delivery


class TriageUpdate(Strict):
    state: TriageState
    note: str = Field(default="", max_length=2000)


class TriageChangePublic(BaseModel):
    report_id: str
    version: int  # 1 for the first change of this lead's triage
    from_state: TriageState
    to_state: TriageState
    note: str
    by: str
    at: datetime


class LeadPublic(BaseModel):
    """A lead as the triage list shows it: the envelope, never the body."""

    report_id: str
    title: str
    priority: str
    submitted_at: datetime | None
    triage_state: TriageState
    allowed_moves: list[TriageState] = []


class LeadListPublic(BaseModel):
    items: list[LeadPublic]
    counts: dict[str, int]  # per triage state, of the leads the caller may see


class PutBack(Strict):
    """A PII field put back into a product, with the analyst's reason."""

    report_id: str = Field(max_length=32)
    field: str = Field(max_length=200)  # dotted path in the lead's body, e.g. "entity.a_number"
    justification: str = Field(default="", max_length=2000)


class ProductCreate(Strict):
    lead_ids: list[str] = Field(min_length=1, max_length=MAX_LEADS_PER_PRODUCT)
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20000)
    caveats: str = Field(default="", max_length=2000)
    marking: str = Field(default=DEFAULT_MARKING, min_length=1, max_length=100)
    put_backs: list[PutBack] = Field(default_factory=list, max_length=500)


class ProductUpdate(Strict):
    base_revision: int = Field(ge=1, le=MAX_INT)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = Field(default=None, max_length=20000)
    caveats: str | None = Field(default=None, max_length=2000)
    marking: str | None = Field(default=None, min_length=1, max_length=100)
    put_backs: list[PutBack] | None = Field(default=None, max_length=500)


class ProductRevision(Strict):
    base_revision: int = Field(ge=1, le=MAX_INT)


class RemovedField(BaseModel):
    report_id: str
    field: str
    label: str


class PutBackPublic(BaseModel):
    report_id: str
    field: str
    label: str
    justification: str
    by: str


class ProductPublic(BaseModel):
    id: int
    title: str
    summary: str
    caveats: str
    marking: str
    lead_ids: list[str]
    # Per lead, its body as the product carries it: PII removed but for the put-backs.
    content: dict[str, dict[str, Any]]
    removed: list[RemovedField]
    put_backs: list[PutBackPublic]
    status: ProductStatus
    author: str
    authorized_by: str | None
    authorized_at: datetime | None
    revision: int
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[ProductAction] = []


class ProductSummary(BaseModel):
    id: int
    title: str
    status: ProductStatus
    author: str
    lead_count: int
    updated_at: datetime
    allowed_actions: list[ProductAction] = []


class AgencyCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)  # postal address, for the accounting
    email: str = Field(default="", max_length=254)  # where the email channel sends
    certificate_pem: str = Field(min_length=1, max_length=20000)


class AgencyUpdate(Strict):
    """What changes; absent fields are kept (a new certificate replaces the old one)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, min_length=1, max_length=500)
    email: str | None = Field(default=None, max_length=254)
    certificate_pem: str | None = Field(default=None, min_length=1, max_length=20000)


class AgencyPublic(BaseModel):
    id: int
    name: str
    address: str
    email: str
    certificate_subject: str
    certificate_not_after: datetime
    created_at: datetime


class DisseminationCreate(Strict):
    base_revision: int = Field(ge=1, le=MAX_INT)  # the authorized revision being sent
    agency_id: int = Field(ge=1, le=MAX_INT)
    purpose: str = Field(default="", max_length=2000)
    channel: ExportChannel


class DisclosurePersonPublic(BaseModel):
    report_id: str
    a_number: str | None
    name: str | None


class DisclosurePublic(BaseModel):
    """One entry of the accounting of disclosures (5 U.S.C. 552a(c))."""

    id: int
    disclosed_at: datetime
    agency_name: str
    agency_address: str
    purpose: str
    channel: ExportChannel
    product_id: int
    product_title: str
    report_ids: list[str]
    persons: list[DisclosurePersonPublic]
    recorded_by: str
    export_name: str  # the .eml/.p7m file or message written for this disclosure
