"""Request and response bodies of the REST API (``/api/v1``).

One schema family per resource: Create / Update / Public / ListPublic. Requests forbid
unknown fields so that a typo is an error naming the field, not silently dropped data.
"""

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from shared.dates import EARLIEST_YEAR, LATEST_YEAR, plausible_date
from shared.enums import (
    AuditOutcome,
    DeliveryState,
    EventKind,
    ObjectType,
    Priority,
    Program,
    QueueBadge,
    QueueName,
    ReportAction,
    ReportStatus,
    ReportType,
    Role,
    Workspace,
    WorkspaceAction,
)
from shared.labels import humanize_path

T = TypeVar("T")


def _datetime_text_only(value: Any) -> Any:
    # JSON numbers would otherwise be taken as Unix timestamps (12345 → 1970).
    if value is None or isinstance(value, str | datetime):
        return value
    raise ValueError("must be an ISO 8601 date and time with a UTC offset")


def _whole_number_only(value: Any) -> Any:
    # The framework validates leniently ("1" → 1, true → 1); a revision must be a number.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


def _plausible_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else plausible_date(value)


# The revision a write was based on (``ReportPublic.revision``); a stale one gets 409.
RevisionNumber = Annotated[int, BeforeValidator(_whole_number_only)]

# A request's event time: ISO 8601 text with an offset, never a bare number or naive time,
# in the years SEN records. The OpenAPI document says the years with a pattern (its
# ``date-time`` format cannot): the pattern checks the year, the format the rest.
EventAt = Annotated[
    AwareDatetime | None,
    AfterValidator(_plausible_or_none),
    BeforeValidator(_datetime_text_only),
    Field(
        description=f"ISO 8601 with a UTC offset, in the years {EARLIEST_YEAR}-{LATEST_YEAR}",
        json_schema_extra={"pattern": r"^(19|20)[0-9]{2}-"},
    ),
]

MAX_PAGE = 500
# Bounds on numbers a client sends, so that none reaches the database as an integer it
# cannot hold (a 400 naming the parameter instead of a 500).
MAX_VERSION = 2**31 - 1
MAX_OFFSET = 10_000_000
MAX_EVENT_ID = 2**63 - 1


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- errors -------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str  # dotted path, e.g. "body.subjects.0.a_number"
    message: str
    # The field as a person knows it, e.g. "Subjects 1 · A-number" (see shared.labels).
    label: str = ""

    def model_post_init(self, _: Any) -> None:
        if not self.label:
            self.label = humanize_path(self.field)

    def in_words(self) -> str:
        return f"{self.label} {self.message}"


class ErrorBody(BaseModel):
    status_code: int
    reason: str  # machine-readable, e.g. "validation_failed", "version_conflict"
    detail: str  # for a person
    errors: list[FieldError] = []
    extra: dict[str, Any] | None = None


# ---- auth ---------------------------------------------------------------------------


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class OfficeRef(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    aor: str | None = None


class UserPublic(BaseModel):
    id: int
    username: str
    display_name: str
    title: str = ""
    email: str = ""
    phone: str = ""
    program: Program
    roles: list[Role]
    office: OfficeRef | None = None
    supervisor_username: str | None = None
    disabled: bool = False
    locked_until: datetime | None = None


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime
    must_change_password: bool
    must_acknowledge_rules: bool
    user: UserPublic


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class RulesPublic(BaseModel):
    version: str
    text: str


class RulesAcknowledgment(Strict):
    version: str


class SystemNotice(BaseModel):
    text: str


class QueueRef(BaseModel):
    name: QueueName
    label: str
    help: str = ""  # what the queue holds, shown when it is empty
    badge: QueueBadge = QueueBadge.UNREAD  # which of its counts the tab shows


class WorkspacePublic(BaseModel):
    """A part of the client the user may open, with what they may do there."""

    name: Workspace
    label: str
    queues: list[QueueRef] = []
    actions: list[WorkspaceAction] = []
    note: str = ""  # what the workspace offers so far, for a person


class MePublic(BaseModel):
    user: UserPublic
    must_change_password: bool
    must_acknowledge_rules: bool
    creatable_types: list[ReportType]
    session_expires_at: datetime
    idle_timeout_seconds: int
    # In the order the client offers them; the first is where the user lands.
    workspaces: list[WorkspacePublic] = []


# ---- reports ------------------------------------------------------------------------


class ReportCreate(Strict):
    type: ReportType
    title: str = Field(default="", max_length=300)
    event_at: EventAt = None
    priority: Priority | None = None  # default from the type (SPOT: flash)
    case_number: str | None = Field(default=None, max_length=64)
    body: dict[str, Any] = {}
    recipients: "Recipients | None" = None


class ReportUpdate(Strict):
    base_revision: RevisionNumber  # the revision this edit was based on; stale → 409
    title: str | None = Field(default=None, max_length=300)
    event_at: EventAt = None
    priority: Priority | None = None
    case_number: str | None = Field(default=None, max_length=64)
    body: dict[str, Any] | None = None
    recipients: "Recipients | None" = None


class BaseRevision(Strict):
    """An action that changes a report's state: the revision it was based on."""

    base_revision: RevisionNumber


class AmendRequest(ReportUpdate):
    reason: str = Field(min_length=3, max_length=2000)


class ReportPublic(BaseModel):
    id: str
    type: ReportType
    status: ReportStatus
    # The version people see: a content state someone other than the author can see (draft
    # saves rewrite the working version; sending and amending make the next one).
    version: int
    # Counts every write: send it back as ``base_revision`` (a stale one gets 409).
    revision: int
    title: str
    marking: str
    priority: Priority
    case_number: str | None
    event_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    late: bool
    author: str  # username
    author_name: str
    author_office: str | None
    review_comment: str | None = None
    masked: bool = False  # PII fields were masked for this reader
    recipients: "Recipients" = Field(default_factory=lambda: Recipients())
    body: dict[str, Any]
    # What this reader may do to the report now (the server enforces the same rules).
    allowed_actions: list[ReportAction] = []
    summary_id: int | None = None  # cited in this IROC summary (SPEC §5)


class ReportStart(BaseModel):
    """A new report's starting values (``GET /reports/new?type=``), the server's to decide:
    contacts filled from the author's and their supervisor's profiles, a SPOT's time. The
    client's form opens with these; an untouched form is one that still holds them."""

    type: ReportType
    title: str = ""
    event_at: datetime | None = None
    priority: Priority
    case_number: str | None = None
    body: dict[str, Any] = {}


class ReportSummary(BaseModel):
    """A queue or list row: envelope only, never body content."""

    id: str
    type: ReportType
    status: ReportStatus
    version: int
    title: str
    priority: Priority
    author: str
    author_office: str | None
    event_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    late: bool


class ReportVersionPublic(BaseModel):
    version: int
    status: ReportStatus
    changed_at: datetime
    changed_by: str
    reason: str | None
    title: str
    body: dict[str, Any]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int | None = None
    next_offset: int | None = None  # None: this is the last page
    limit: int


# ---- audit --------------------------------------------------------------------------


class AuditRecordPublic(BaseModel):
    seq: int
    at: datetime
    actor: str | None
    roles: list[str]
    session: str | None
    source: str | None
    action: str
    object_type: str | None
    object_id: str | None
    outcome: AuditOutcome
    details: dict[str, Any]
    prev_hash: str
    hash: str


class ReviewDecision(Strict):
    base_revision: RevisionNumber
    comment: str | None = Field(default=None, max_length=4000)


# ---- routing, queues, live events (SPEC §4) ----------------------------------------


class Recipients(Strict):
    """Recipients the author adds by hand, on top of the routing rules."""

    users: list[str] = Field(default=[], max_length=200)  # usernames
    offices: list[str] = Field(default=[], max_length=50)  # office codes


class QueueItem(ReportSummary):
    delivery_state: DeliveryState | None = None  # None: not a delivery to this reader
    updated: bool = False  # amended since this reader last opened it
    summarised: bool = False  # cited in an IROC summary
    summary_id: int | None = None  # the summary that cited it
    # What the reader may do from the queue row itself (acknowledge); open the report for more.
    allowed_actions: list[ReportAction] = []


class QueueCount(BaseModel):
    """How many rows a queue holds and how many of them are unread. Counting stops at a
    bound (the server's, e.g. 10,000): ``total_exact`` False means "more than ``total``",
    which a client shows as "10,000+"; likewise ``unread_exact``."""

    total: int
    unread: int
    total_exact: bool = True
    unread_exact: bool = True


class QueuePage(QueueCount):
    """One page of a queue, newest first. ``next_cursor`` asks for the page after this one
    (``?cursor=…``); None: this is the last page. A client that pages backward keeps the
    cursors it followed."""

    queue: QueueName
    # The field rows are ordered by, newest first (then by id): a client placing a row that
    # arrives live puts it where the server would.
    order_by: Literal["submitted_at", "updated_at"] = "updated_at"
    items: list[QueueItem]
    next_cursor: str | None = None
    limit: int


class DeliveryPublic(BaseModel):
    recipient: str  # username
    recipient_name: str
    office: str | None
    reason: str  # "office:RAC-LI", "manual", "broadcast"
    state: DeliveryState
    updated: bool
    created_at: datetime
    read_at: datetime | None
    acknowledged_at: datetime | None


class FieldDifference(BaseModel):
    field: str  # dotted path
    before: Any = None
    after: Any = None


class VersionComparison(BaseModel):
    report_id: str
    from_version: int
    to_version: int
    differences: list[FieldDifference]


class QueuePlacement(BaseModel):
    """One of the reader's queues that holds an event's report now, and the report's sort
    key there: a queue lists its rows newest first by this key, then by report id."""

    queue: QueueName
    key: datetime


class EventPublic(BaseModel):
    """One live event. Carries no report content beyond the envelope, and never PII.

    A report event also carries the report's queue row as the reader's queues show it, and
    which of the reader's queues hold it now (empty: none, so a row shown should go), so
    that a client updates its rows in place instead of re-reading its queue."""

    id: int  # monotonically increasing; resend as Last-Event-ID to replay what was missed
    kind: EventKind
    object_type: ObjectType = ObjectType.REPORT
    object_id: str | None = None
    report_id: str | None
    report_type: ReportType | None
    priority: Priority | None
    title: str | None
    actor: str | None
    at: datetime
    row: QueueItem | None = None
    queues: list[QueuePlacement] = []


class UserRef(BaseModel):
    username: str
    display_name: str
    office: str | None


class DispositionUpdate(Strict):
    """LEARA disposition change: an amendment of the LEARA body's disposition fields."""

    base_revision: RevisionNumber
    disposition_status: str
    disposition_narrative: str | None = Field(default=None, max_length=20_000)
    completed_at: datetime | None = None


ReportCreate.model_rebuild()
ReportUpdate.model_rebuild()
AmendRequest.model_rebuild()
ReportPublic.model_rebuild()
