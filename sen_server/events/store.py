"""Writing events in commit order and reading them back for one reader."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.events.bus import CHANNEL
from sen_server.models import Event, Report
from shared.enums import EventKind, ObjectType, Priority, ReportType
from shared.schemas import EventPublic, QueueItem, QueuePlacement


@dataclass(frozen=True)
class EventDraft:
    """An event to publish when its unit of work commits. ``object_type`` decides who may
    see it (events.visibility); the report fields are the envelope a queue row shows."""

    kind: EventKind
    object_type: ObjectType
    object_id: str
    report_id: str | None = None
    report_type: str | None = None
    priority: str | None = None
    title: str | None = None


def report_event(kind: EventKind, report: Report) -> EventDraft:
    return EventDraft(
        kind, ObjectType.REPORT, report.id, report.id, report.type, report.priority, report.title
    )


async def append_events(
    session: AsyncSession, drafts: list[EventDraft], actor: str | None, now: datetime
) -> int:
    """Must run under the chain lock (see audit.writer.lock_chain). Returns the last id."""
    last = (await session.exec(select(func.max(Event.id)))).one() or 0
    for draft in drafts:
        last += 1
        session.add(
            Event(
                id=last,
                kind=draft.kind,
                object_type=draft.object_type,
                object_id=draft.object_id,
                report_id=draft.report_id,
                report_type=draft.report_type,
                priority=draft.priority,
                title=draft.title,
                actor=actor,
                at=now,
            )
        )
    await session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Delivered to listeners on every instance when this transaction commits.
        await session.exec(
            text("SELECT pg_notify(:channel, :payload)").bindparams(  # type: ignore[call-overload]
                channel=CHANNEL, payload=str(last)
            )
        )
    return int(last)


async def latest_event_id(session: AsyncSession) -> int:
    return int((await session.exec(select(func.max(Event.id)))).one() or 0)


async def events_after(session: AsyncSession, after: int, limit: int = 200) -> list[Event]:
    statement = select(Event).where(col(Event.id) > after).order_by(col(Event.id)).limit(limit)
    return list((await session.exec(statement)).all())


def event_public(
    event: Event, row: QueueItem | None = None, queues: list[QueuePlacement] | None = None
) -> EventPublic:
    return EventPublic(
        id=event.id,
        kind=EventKind(event.kind),
        object_type=ObjectType(event.object_type),
        object_id=event.object_id,
        report_id=event.report_id,
        report_type=ReportType(event.report_type) if event.report_type else None,
        priority=Priority(event.priority) if event.priority else None,
        title=event.title,
        actor=event.actor,
        at=event.at,
        row=row,
        queues=queues or [],
    )
