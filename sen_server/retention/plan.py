"""What the schedule makes due on a day: which reports, which action, from when, and why.

A report due for both actions (its transfer was never made and its destroy date has come)
is destroyed: sending the records centre a copy that is already due for destruction would
only make one more copy to destroy. A report under a legal hold is listed, as blocked.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Report
from sen_server.retention.cutoff import cutoff, due_after
from sen_server.retention.models import LegalHold
from sen_server.retention.schedule import SCHEDULED_TYPES, rule_for, trigger_date


class Disposition(StrEnum):
    TRANSFER = "transfer"
    DESTROY = "destroy"


@dataclass(frozen=True)
class DueItem:
    report_id: str
    report_type: str
    created_at: datetime
    revision: int
    action: Disposition
    trigger: str  # what started the clock, in words
    trigger_date: date
    cutoff: date
    due_on: date
    held: bool

    def why(self) -> str:
        years = self.due_on.year - self.cutoff.year
        return (
            f"{self.report_type}: {self.trigger} {self.trigger_date.isoformat()}, cut-off "
            f"{self.cutoff.isoformat()}, {self.action} at cut-off + {years} years"
        )


async def active_holds(session: AsyncSession) -> set[str]:
    rows = await session.exec(select(LegalHold.report_id).where(col(LegalHold.lifted_at).is_(None)))
    return set(rows.all())


def due_item(row: Any, as_of: date, held: set[str]) -> DueItem | None:
    """The action due on ``row`` (a report's id, type, dates, body) by ``as_of``, if any."""
    rule = rule_for(row.type)
    if rule is None:
        return None
    started = trigger_date(
        rule.trigger, event_at=row.event_at, created_at=row.created_at, body=row.body or {}
    )
    if started is None:
        return None
    destroy_on = due_after(started, rule.destroy_years)
    transfer_on = due_after(started, rule.transfer_years)
    if as_of >= destroy_on:
        action, due_on = Disposition.DESTROY, destroy_on
    elif as_of >= transfer_on:
        action, due_on = Disposition.TRANSFER, transfer_on
    else:
        return None
    return DueItem(
        report_id=row.id,
        report_type=row.type,
        created_at=row.created_at,
        revision=row.revision,
        action=action,
        trigger=str(rule.trigger),
        trigger_date=started,
        cutoff=cutoff(started),
        due_on=due_on,
        held=row.id in held,
    )


async def due_items(session: AsyncSession, as_of: date) -> AsyncIterator[DueItem]:
    """Every live report the schedule makes due by ``as_of``, oldest ID first."""
    held = await active_holds(session)
    query = (
        # SQLAlchemy's select: SQLModel's takes at most four columns.
        sa.select(
            col(Report.id),
            col(Report.type),
            col(Report.event_at),
            col(Report.created_at),
            col(Report.revision),
            col(Report.body),
        )
        .where(col(Report.type).in_(SCHEDULED_TYPES))
        .order_by(col(Report.id))
        .execution_options(yield_per=500)
    )
    # Streamed: the whole store is walked, and a body is only needed for LEARA.
    result = await session.stream(query)
    async for row in result:
        item = due_item(row, as_of, held)
        if item is not None:
            yield item


async def plan(session: AsyncSession, as_of: date) -> list[DueItem]:
    return [item async for item in due_items(session, as_of)]
