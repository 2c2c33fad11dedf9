"""Storage: SQLModel table classes. Only the server uses them; the wire uses shared.schemas."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel, col

# JSON on SQLite, JSONB on PostgreSQL (one definition, ENGINEERING.md).
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


def json_column(*, nullable: bool = False) -> Any:
    return sa.Column(JSONType, nullable=nullable)


class Office(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    aor: str | None = Field(default=None, max_length=10, index=True)
    parent_id: int | None = Field(default=None, foreign_key="office.id")


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=150)
    display_name: str = Field(max_length=200)
    title: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    program: str = Field(max_length=8)
    roles: list[str] = Field(default_factory=list, sa_column=json_column())
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    supervisor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    password_hash: str = Field(max_length=200)
    must_change_password: bool = True
    password_changed_at: datetime = Field(sa_column=utc_column())
    rules_acknowledged_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True)
    )
    disabled: bool = False
    locked_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Failures before this instant no longer count towards a lockout (set by unlock/login).
    failures_reset_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    at: datetime = Field(sa_column=utc_column(index=True))


class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"
    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the bearer token: a stolen database yields no usable token.
    token_hash: str = Field(unique=True, max_length=64)
    # A non-secret handle for the audit log and for revocation lists.
    public_id: str = Field(unique=True, max_length=32)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(sa_column=utc_column())
    last_seen_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    source: str | None = Field(default=None, max_length=64)


class Report(SQLModel, table=True):
    # Queue pages walk these in their order (newest first, the id breaking ties), one range
    # per author, type or status, and stop after a page (sen_server.queues.service). The
    # trailing columns let a range skip unpublished (or triaged) reports without reading
    # the row.
    __table_args__ = (
        sa.Index("ix_report_author_updated", "author_id", "updated_at", "id"),
        sa.Index("ix_report_author_status_updated", "author_id", "status", "updated_at", "id"),
        sa.Index("ix_report_type_submitted", "type", "submitted_at", "id", "status"),
        sa.Index("ix_report_type_updated", "type", "updated_at", "id", "status", "triage_status"),
        sa.Index("ix_report_program_type_updated", "program", "type", "updated_at", "id", "status"),
        sa.Index("ix_report_status_updated", "status", "updated_at", "id"),
    )
    id: str = Field(primary_key=True, max_length=32)  # e.g. SIR-2026-000042
    type: str = Field(max_length=16)
    status: str = Field(max_length=16)
    # The version people see (reports.versions); the revision counts every write and is
    # the optimistic-concurrency token clients send back as ``base_revision``.
    version: int = 1
    revision: int = 1
    title: str = Field(default="", max_length=300)
    marking: str = Field(max_length=100)
    priority: str = Field(max_length=16)
    case_number: str | None = Field(default=None, max_length=64)
    event_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column(index=True))
    submitted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    late: bool = False
    author_id: int = Field(foreign_key="user.id")
    author_office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    program: str = Field(max_length=8)
    review_comment: str | None = Field(default=None, max_length=4000)
    triage_status: str | None = Field(default=None, max_length=20)
    # Cited in an IROC summary (SPEC §5); the IROC queue marks such rows.
    summarised_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    summary_id: int | None = None  # the summary that cited it (sen_server.summaries)
    # Added by hand by the author: {"users": [usernames], "offices": [codes]}.
    recipients: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    body: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())


class ReportVersion(SQLModel, table=True):
    """Each version of a report, kept whole: versions stay readable and comparable.

    The row of a draft's working version is rewritten by the author's saves until the
    report is sent (``reports.versions``); ``status`` is the latest status the report had
    at this version."""

    __tablename__ = "report_version"
    __table_args__ = (sa.UniqueConstraint("report_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", index=True, max_length=32)
    version: int
    status: str = Field(max_length=16)
    changed_at: datetime = Field(sa_column=utc_column())
    changed_by_id: int = Field(foreign_key="user.id")
    reason: str | None = Field(default=None, max_length=2000)
    title: str = Field(default="", max_length=300)
    envelope: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    body: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())


class ReportSequence(SQLModel, table=True):
    """The last number handed out per type and year (IDs like SIR-2026-000042)."""

    __tablename__ = "report_sequence"
    report_type: str = Field(primary_key=True, max_length=16)
    year: int = Field(primary_key=True)
    last: int = 0


class AuditRecord(SQLModel, table=True):
    """Append-only (database triggers reject UPDATE and DELETE) and hash-chained."""

    __tablename__ = "audit_record"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_column=utc_column())
    actor: str | None = Field(default=None, max_length=150)
    roles: list[str] = Field(default_factory=list, sa_column=json_column())
    session: str | None = Field(default=None, max_length=32)
    source: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, index=True)
    object_type: str | None = Field(default=None, max_length=32)
    object_id: str | None = Field(default=None, max_length=64, index=True)
    outcome: str = Field(max_length=16)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditCheckpoint(SQLModel, table=True):
    """A signature over the chain head, made with a key that is not in the database."""

    __tablename__ = "audit_checkpoint"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    hash: str = Field(max_length=64)
    signature: str = Field(max_length=200)
    key_id: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=utc_column())
    # The writer's checkpoint interval when this one was signed (and signed with it), so
    # that verification need not trust today's configuration. None: signed before 0013.
    every: int | None = None


class Delivery(SQLModel, table=True):
    """One recipient's copy of a submitted report: new → read → acknowledged.

    It also carries the report's type and its two sort keys, copied at routing and kept in
    step whenever the report changes (``routing.service.sync_delivery_keys``), so that a
    reader's queue is one range scan of the reader's own deliveries, newest first, instead
    of a join over every report."""

    __table_args__ = (
        sa.UniqueConstraint("report_id", "user_id"),
        sa.Index("ix_delivery_user_submitted", "user_id", "report_submitted_at", "report_id"),
        sa.Index("ix_delivery_user_updated", "user_id", "report_updated_at", "report_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", index=True, max_length=32)
    user_id: int = Field(foreign_key="user.id")
    report_type: str = Field(max_length=16)
    report_submitted_at: datetime = Field(sa_column=utc_column())
    report_updated_at: datetime = Field(sa_column=utc_column())
    state: str = Field(default="new", max_length=16)  # new | read | acknowledged
    # Why this user received it: "office:<code>", "manual", "broadcast".
    reason: str = Field(default="", max_length=80)
    updated: bool = False  # the report was amended since this recipient last read it
    created_at: datetime = Field(sa_column=utc_column())
    read_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


def unread_delivery() -> sa.ColumnElement[bool]:
    """A delivery its recipient has not seen as it is now: never opened, or amended since.

    Written with a literal, not a bound parameter, so that both databases can match it to
    the partial index below (a planner cannot prove ``state = ?`` implies ``state = 'new'``).
    """
    return sa.or_(
        col(Delivery.state) == sa.literal_column("'new'"), col(Delivery.updated) == sa.true()
    )


# Unread counts walk only the unread deliveries of one reader (of some types, in a window).
sa.Index(
    "ix_delivery_unread",
    col(Delivery.user_id),
    col(Delivery.report_type),
    col(Delivery.report_submitted_at),
    col(Delivery.report_id),
    sqlite_where=unread_delivery(),
    postgresql_where=unread_delivery(),
)


class RoutingRule(SQLModel, table=True):
    """One routing target for a report type (SPEC §4), editable by admin.

    target: "author_chain" | "aor:<OfficeKind>" | "office_kind:<OfficeKind>" | "broadcast"
    """

    __tablename__ = "routing_rule"
    __table_args__ = (sa.UniqueConstraint("report_type", "target"),)
    id: int | None = Field(default=None, primary_key=True)
    report_type: str = Field(max_length=16, index=True)
    target: str = Field(max_length=64)


class ReviewRule(SQLModel, table=True):
    """Per-type review policy (mandatory / elective / none), editable by admin."""

    __tablename__ = "review_rule"
    report_type: str = Field(primary_key=True, max_length=16)
    policy: str = Field(max_length=16)


class Event(SQLModel, table=True):
    """A live event. Positions are handed out under the audit chain lock, so they become
    visible in commit order and a reader polling ``id > last`` never skips one."""

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(max_length=40)
    # What the event is about; who may see it is decided per object type (events.visibility).
    object_type: str = Field(default="report", max_length=32)
    object_id: str | None = Field(default=None, max_length=64)
    report_id: str | None = Field(default=None, max_length=32, index=True)
    report_type: str | None = Field(default=None, max_length=16)
    priority: str | None = Field(default=None, max_length=16)
    title: str | None = Field(default=None, max_length=300)
    actor: str | None = Field(default=None, max_length=150)
    at: datetime = Field(sa_column=utc_column())


class OutboxMessage(SQLModel, table=True):
    """Work to do once a change has committed (an email to send, a file to write).

    Written in the same transaction as the change that asks for it, so it exists exactly
    when the change does; a worker claims it after commit with a lease, so a crashed worker's
    message is taken up again, and marks it done or retries it with backoff."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    state: str = Field(default="pending", max_length=16)  # pending | done | failed
    attempts: int = 0
    created_at: datetime = Field(sa_column=utc_column())
    available_at: datetime = Field(sa_column=utc_column())  # not before: backoff after a failure
    leased_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str | None = Field(default=None, max_length=500)
    # What the message is about ("summary:12", "disclosure:7"), indexed: a summary's
    # delivery state is read by it, never by searching payloads.
    subject: str | None = Field(default=None, max_length=80)


class SourceWindow(SQLModel, table=True):
    """How often one source address did one thing (tried to log on, sent a bad token) in
    one fixed window of time, counted across every server instance: what the rate limits
    read, and what a single audit record per source and window summarises."""

    __tablename__ = "source_window"
    kind: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=64)
    window_start: datetime = Field(sa_column=sa.Column(UTCDateTime(), primary_key=True))
    count: int = 0
    summarised: bool = False  # its audit summary is written (sen_server.auth.throttle)
