"""Report rows → wire schemas. Masking happens here, at the edge, for every reader."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import col

from sen_server.models import Report, ReportVersion
from shared.catalogue import get_type
from shared.enums import Priority, ReportAction, ReportStatus, ReportType
from shared.schemas import Recipients, ReportPublic, ReportSummary, ReportVersionPublic
from shared.validation import REDACTED, mask_pii


@dataclass(frozen=True)
class Authorship:
    """Who wrote a report, as its reader sees it: the account and the office it was
    written in (the author may have moved since)."""

    username: str = ""
    name: str = ""
    office: str | None = None


def report_public(
    report: Report,
    by: Authorship,
    *,
    masked: bool,
    allowed: frozenset[ReportAction] = frozenset(),
) -> ReportPublic:
    body: dict[str, Any] = report.body
    if masked:
        body = mask_pii(get_type(report.type), body)
    return ReportPublic(
        id=report.id,
        type=ReportType(report.type),
        status=ReportStatus(report.status),
        version=report.version,
        revision=report.revision,
        title=report.title,
        marking=report.marking,
        priority=Priority(report.priority),
        case_number=report.case_number,
        event_at=report.event_at,
        created_at=report.created_at,
        updated_at=report.updated_at,
        submitted_at=report.submitted_at,
        late=report.late,
        author=by.username,
        author_name=by.name,
        author_office=by.office,
        review_comment=report.review_comment,
        masked=masked,
        recipients=Recipients.model_validate(report.recipients or {}),
        body=body,
        allowed_actions=sorted(allowed),
        summary_id=report.summary_id,
    )


class Envelope(Protocol):
    """What a summary shows of a report: a Report, or a row of ``ENVELOPE`` columns."""

    id: str
    type: str
    status: str
    version: int
    title: str
    priority: str
    event_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    late: bool


# The columns a summary shows: selected on their own, a list of rows loads no bodies and
# builds no ORM objects.
ENVELOPE: tuple[Any, ...] = tuple(
    col(column)
    for column in (
        Report.id,
        Report.type,
        Report.status,
        Report.version,
        Report.title,
        Report.priority,
        Report.event_at,
        Report.created_at,
        Report.updated_at,
        Report.submitted_at,
        Report.late,
    )
)


def summary_fields(report: Envelope, author: str, office: str | None) -> dict[str, Any]:
    """The fields of a ``ReportSummary`` (and of the schemas that extend it)."""
    return {
        "id": report.id,
        "type": ReportType(report.type),
        "status": ReportStatus(report.status),
        "version": report.version,
        "title": report.title,
        "priority": Priority(report.priority),
        "author": author,
        "author_office": office,
        "event_at": report.event_at,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "submitted_at": report.submitted_at,
        "late": report.late,
    }


def report_summary(report: Envelope, author: str, office: str | None) -> ReportSummary:
    return ReportSummary(**summary_fields(report, author, office))


def version_public(
    version: ReportVersion, report_type: str, changed_by: str, *, masked: bool
) -> ReportVersionPublic:
    body = mask_pii(get_type(report_type), version.body) if masked else version.body
    return ReportVersionPublic(
        version=version.version,
        status=ReportStatus(version.status),
        changed_at=version.changed_at,
        changed_by=changed_by,
        # An amendment reason is free text and may repeat what the masked fields hold.
        reason=REDACTED if masked and version.reason else version.reason,
        title=version.title,
        body=body,
    )
