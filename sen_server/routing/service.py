"""Deliveries: one per recipient user, new → read → acknowledged."""

from sqlmodel import col, select, update

from sen_server.models import Delivery, Report
from sen_server.unit import UnitOfWork


async def route_report(unit: UnitOfWork, report: Report) -> list[int]:
    """Resolve recipients and write one delivery each. Returns the recipient user ids."""
    return []


async def mark_read(unit: UnitOfWork, report: Report, user_id: int) -> None:
    now = unit.runtime.now()
    delivery = (
        await unit.session.exec(
            select(Delivery).where(Delivery.report_id == report.id, Delivery.user_id == user_id)
        )
    ).first()
    if delivery is None:
        return
    if delivery.state == "new":
        delivery.state = "read"
        delivery.read_at = now
    delivery.updated = False
    unit.session.add(delivery)


async def mark_updated(unit: UnitOfWork, report: Report) -> None:
    """An amendment: every recipient sees the report as updated."""
    await unit.session.exec(
        update(Delivery).where(col(Delivery.report_id) == report.id).values(updated=True)
    )
