"""Version numbers people see, apart from the revision that guards concurrent writes.

``Report.revision`` counts every write; a client sends back the one it loaded as
``base_revision`` and a stale one gets 409, so no write is lost (SPEC §3).

``Report.version`` numbers content states that someone other than the author can see.
While the author edits a draft no one else has seen, each save rewrites that working
version in place (ten saves and a request for review make version 1, not 11). The first
edit after the report was sent (for review, or submitted) opens the next number, so a
reviewer who returned version 1 can compare it with what comes back. An amendment (a LEARA
disposition too) is seen at once: each makes a version of its own. A status change alone
(review, approval, return, closing) changes no content and makes no number: the current
version's row takes the new status.
"""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Report, ReportVersion
from shared.enums import ReportStatus

S = ReportStatus


def snapshot(
    report: Report, by: int, now: datetime, reason: str | None = None, status: str | None = None
) -> ReportVersion:
    """A new row for the report's current version."""
    row = ReportVersion(
        report_id=report.id,
        version=report.version,
        status=report.status,
        changed_at=now,
        changed_by_id=by,
    )
    _write(row, report, by, now, reason, status or report.status)
    return row


def _write(
    row: ReportVersion, report: Report, by: int, now: datetime, reason: str | None, status: str
) -> None:
    row.status = status
    row.changed_at = now
    row.changed_by_id = by
    row.reason = reason
    row.title = report.title
    row.envelope = {
        "priority": report.priority,
        "case_number": report.case_number,
        "event_at": report.event_at.isoformat() if report.event_at else None,
    }
    row.body = report.body


def revised(report: Report, now: datetime) -> None:
    """Every write: the next revision (what the next write must be based on)."""
    report.revision += 1
    report.updated_at = now


async def current_row(session: AsyncSession, report: Report) -> ReportVersion | None:
    statement = select(ReportVersion).where(
        col(ReportVersion.report_id) == report.id, col(ReportVersion.version) == report.version
    )
    return (await session.exec(statement)).first()


async def record_draft_edit(session: AsyncSession, report: Report, by: int, now: datetime) -> None:
    """The author saved a draft: rewrite the working version while no one else has seen
    it (its row is still a draft), else open the next version as the new working one."""
    row = await current_row(session, report)
    if row is not None and row.status == S.DRAFT:
        _write(row, report, by, now, None, S.DRAFT)
        session.add(row)
        return
    report.version += 1
    session.add(snapshot(report, by, now, status=S.DRAFT))


def record_new_version(
    session: AsyncSession, report: Report, by: int, now: datetime, reason: str
) -> None:
    """An amendment of a submitted report: its readers see it at once, so it is a version."""
    report.version += 1
    session.add(snapshot(report, by, now, reason=reason))


async def record_status(session: AsyncSession, report: Report) -> None:
    """A status change with no content change: the current version now has that status
    (and, once sent, is no longer the author's to rewrite)."""
    row = await current_row(session, report)
    if row is not None:
        row.status = report.status
        session.add(row)
