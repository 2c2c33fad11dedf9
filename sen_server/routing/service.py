"""Deliveries: one per recipient user, new → read → acknowledged."""

from datetime import datetime

from sqlalchemy import case, insert
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.events.store import report_event
from sen_server.models import Delivery, Report
from sen_server.routing.recipients import resolve_recipients
from sen_server.unit import UnitOfWork
from shared.enums import DeliveryState, EventKind, ReportStatus, ReportType

# Deliveries are written when a report is published (``route_report``, from
# ``reports.service._publish``) and no transition leaves these statuses, so every delivered
# report is in one of them: a walk over deliveries needs no look at the report's status.
DELIVERED_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.CLOSED})


async def route_report(unit: UnitOfWork, report: Report) -> list[int]:
    """Resolve recipients and write one delivery each, carrying the report's type and sort
    keys (stamped before routing). Returns the recipient user ids."""
    now = unit.runtime.now()
    recipients = await resolve_recipients(unit.session, report)
    existing = set(
        (
            await unit.session.exec(select(Delivery.user_id).where(Delivery.report_id == report.id))
        ).all()
    )
    rows = [
        Delivery(
            report_id=report.id,
            user_id=recipient.user.id or 0,
            report_type=report.type,
            report_submitted_at=report.submitted_at or now,
            report_updated_at=report.updated_at,
            reason=recipient.reason,
            created_at=now,
        ).model_dump(exclude={"id"})
        for recipient in recipients
        if recipient.user.id not in existing
    ]
    if rows:
        # One executemany: added as ORM objects, SQLite took one statement (and its round
        # trips) per recipient. The report row goes first: deliveries refer to it.
        await unit.session.flush()
        connection = await unit.session.connection()
        await connection.execute(insert(Delivery), rows)
    kind = EventKind.SPOT_FLASH if report.type == ReportType.SPOT else EventKind.REPORT_SUBMITTED
    unit.emit(report_event(kind, report))
    return [r.user.id or 0 for r in recipients]


async def mark_read(session: AsyncSession, report_id: str, user_id: int, now: datetime) -> None:
    """The recipient opened the report: new → read, and no longer 'updated'. One statement:
    it runs in the group commit's write, where every round trip holds the batch up."""
    is_new = col(Delivery.state) == DeliveryState.NEW
    await session.exec(
        update(Delivery)
        .where(col(Delivery.report_id) == report_id, col(Delivery.user_id) == user_id)
        .values(
            state=case((is_new, DeliveryState.READ.value), else_=col(Delivery.state)),
            read_at=case((is_new, now), else_=col(Delivery.read_at)),
            updated=False,
        )
    )


async def mark_updated(unit: UnitOfWork, report: Report) -> None:
    """An amendment: every recipient sees the report as updated."""
    await unit.session.exec(
        update(Delivery)
        .where(col(Delivery.report_id) == report.id)
        .values(updated=True, report_updated_at=report.updated_at)
    )
    unit.emit(report_event(EventKind.REPORT_UPDATED, report))


async def sync_delivery_keys(unit: UnitOfWork, report: Report) -> None:
    """A delivered report changed without being amended (closed): its deliveries' copy of
    ``updated_at`` follows, so that the recipients' queues keep it in its place."""
    await unit.session.exec(
        update(Delivery)
        .where(col(Delivery.report_id) == report.id)
        .values(report_updated_at=report.updated_at)
    )


async def my_delivery(unit: UnitOfWork, report_id: str, user_id: int) -> Delivery | None:
    return (
        await unit.session.exec(
            select(Delivery).where(Delivery.report_id == report_id, Delivery.user_id == user_id)
        )
    ).first()
