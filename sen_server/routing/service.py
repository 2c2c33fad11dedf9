"""Deliveries: one per recipient user, new → read → acknowledged."""

from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.events.store import report_event
from sen_server.models import Delivery, Report
from sen_server.routing.recipients import resolve_recipients
from sen_server.unit import UnitOfWork
from shared.enums import DeliveryState, EventKind, ReportType


async def route_report(unit: UnitOfWork, report: Report) -> list[int]:
    """Resolve recipients and write one delivery each. Returns the recipient user ids."""
    now = unit.runtime.now()
    recipients = await resolve_recipients(unit.session, report)
    existing = set(
        (
            await unit.session.exec(select(Delivery.user_id).where(Delivery.report_id == report.id))
        ).all()
    )
    for recipient in recipients:
        if recipient.user.id in existing:
            continue
        unit.session.add(
            Delivery(
                report_id=report.id,
                user_id=recipient.user.id or 0,
                reason=recipient.reason,
                created_at=now,
            )
        )
    kind = EventKind.SPOT_FLASH if report.type == ReportType.SPOT else EventKind.REPORT_SUBMITTED
    unit.emit(report_event(kind, report))
    return [r.user.id or 0 for r in recipients]


async def mark_read(session: AsyncSession, report_id: str, user_id: int, now: datetime) -> None:
    """The recipient opened the report: new → read, and no longer 'updated'."""
    delivery = (
        await session.exec(
            select(Delivery).where(Delivery.report_id == report_id, Delivery.user_id == user_id)
        )
    ).first()
    if delivery is None:
        return
    if delivery.state == DeliveryState.NEW:
        delivery.state = DeliveryState.READ
        delivery.read_at = now
    delivery.updated = False
    session.add(delivery)


async def mark_updated(unit: UnitOfWork, report: Report) -> None:
    """An amendment: every recipient sees the report as updated."""
    await unit.session.exec(
        update(Delivery).where(col(Delivery.report_id) == report.id).values(updated=True)
    )
    unit.emit(report_event(EventKind.REPORT_UPDATED, report))


async def my_delivery(unit: UnitOfWork, report_id: str, user_id: int) -> Delivery | None:
    return (
        await unit.session.exec(
            select(Delivery).where(Delivery.report_id == report_id, Delivery.user_id == user_id)
        )
    ).first()
