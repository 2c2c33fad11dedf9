"""Queue pages: always filtered by need-to-know, always paged, newest first."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.caller import Caller
from sen_server.models import Delivery, Office, Report, User
from sen_server.reports import policy
from sen_server.reports.views import report_summary
from sen_server.unit import UnitOfWork
from shared.enums import Priority, ReportStatus, ReportType, Role
from shared.schemas import QueueCount, QueueItem, QueuePage

S = ReportStatus
IROC_WINDOW = timedelta(hours=72)
IROC_QUEUE_TYPES = tuple(t for t in policy.IROC_TYPES)


class Queue(StrEnum):
    MINE = "mine"
    IROC = "iroc"
    REVIEW = "review"
    INTEL = "intel"
    DRAFTS = "drafts"
    REPORTS = "reports"


@dataclass(frozen=True)
class QueueFilters:
    type: ReportType | None = None
    status: ReportStatus | None = None
    priority: Priority | None = None
    office: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_details(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v is not None}


def _queue_condition(queue: Queue, caller: Caller, now: datetime) -> ColumnElement[bool]:
    mine = col(Report.author_id) == caller.id
    if queue == Queue.MINE:
        return col(Delivery.id).is_not(None)
    if queue == Queue.IROC:
        return and_(
            col(Report.type).in_(IROC_QUEUE_TYPES),
            col(Report.status).in_(policy.PUBLISHED),
            col(Report.submitted_at) >= now - IROC_WINDOW,
        )
    if queue == Queue.REVIEW:
        return and_(col(Report.status) == S.IN_REVIEW, ~mine)
    if queue == Queue.INTEL:
        return and_(
            col(Report.type) == ReportType.ERO_LEAD,
            col(Report.status).in_(policy.PUBLISHED),
            or_(col(Report.triage_status).is_(None), col(Report.triage_status) == "new"),
        )
    if queue == Queue.DRAFTS:
        return and_(mine, col(Report.status).in_([S.DRAFT, S.RETURNED, S.IN_REVIEW]))
    return mine


def _filter_conditions(filters: QueueFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.type:
        conditions.append(col(Report.type) == filters.type)
    if filters.status:
        conditions.append(col(Report.status) == filters.status)
    if filters.priority:
        conditions.append(col(Report.priority) == filters.priority)
    if filters.office:
        conditions.append(col(Office.code) == filters.office)
    if filters.since:
        conditions.append(col(Report.updated_at) >= filters.since)
    if filters.until:
        conditions.append(col(Report.updated_at) < filters.until)
    return conditions


def _unread(delivery_state: str | None, updated: bool | None) -> bool:
    return delivery_state == "new" or bool(updated)


async def queue_page(
    unit: UnitOfWork, caller: Caller, queue: Queue, filters: QueueFilters, offset: int, limit: int
) -> QueuePage:
    now = unit.runtime.now()
    facts = await policy.reader_facts(unit.session, caller)
    my_delivery = and_(
        col(Delivery.report_id) == col(Report.id), col(Delivery.user_id) == caller.id
    )
    conditions = [
        policy.read_condition(caller, facts),
        _queue_condition(queue, caller, now),
        *_filter_conditions(filters),
    ]
    base = (
        select(Report, User.username, Office.code, Delivery.state, Delivery.updated)  # type: ignore[call-overload]
        .join(User, col(User.id) == col(Report.author_id))
        .outerjoin(Office, col(Office.id) == col(Report.author_office_id))
        .outerjoin(Delivery, my_delivery)
        .where(*conditions)
    )
    order = (
        col(Report.submitted_at) if queue in (Queue.MINE, Queue.IROC) else col(Report.updated_at)
    )
    rows = (
        await unit.session.exec(
            base.order_by(order.desc(), col(Report.id).desc()).offset(offset).limit(limit + 1)
        )
    ).all()
    counted = (
        select(
            func.count(),
            func.count().filter(or_(col(Delivery.state) == "new", col(Delivery.updated).is_(True))),
        )
        .select_from(Report)
        .join(User, col(User.id) == col(Report.author_id))
        .outerjoin(Office, col(Office.id) == col(Report.author_office_id))
        .outerjoin(Delivery, my_delivery)
        .where(*conditions)
    )
    total, unread = (await unit.session.exec(counted)).one()
    items = [
        QueueItem(
            **report_summary(report, author, office).model_dump(),
            delivery_state=state,
            updated=bool(updated),
            summarised=report.summarised_at is not None,
        )
        for report, author, office, state, updated in rows[:limit]
    ]
    unit.audit(
        AuditEntry(
            action="queue.view",
            object_type="queue",
            object_id=queue.value,
            details={
                "ids": [i.id for i in items],
                "filters": filters.as_details(),
                "offset": offset,
            },
        )
    )
    return QueuePage(
        queue=queue.value,
        items=items,
        total=int(total),
        unread=int(unread),
        next_offset=offset + limit if len(rows) > limit else None,
        limit=limit,
    )


def queues_for(caller: Caller) -> list[Queue]:
    """The queues worth showing this caller, in the order the TUI lists them."""
    queues = [Queue.MINE]
    if caller.has(Role.IROC):
        queues.append(Queue.IROC)
    if caller.has(Role.SUPERVISOR) or caller.has(Role.OFFICE_MANAGER):
        queues.append(Queue.REVIEW)
    if caller.has(Role.INTEL_OPS):
        queues.append(Queue.INTEL)
    if policy.creatable_types(caller):
        queues += [Queue.DRAFTS, Queue.REPORTS]
    return queues


async def queue_counts(unit: UnitOfWork, caller: Caller) -> dict[str, QueueCount]:
    counts: dict[str, QueueCount] = {}
    now = unit.runtime.now()
    facts = await policy.reader_facts(unit.session, caller)
    my_delivery = and_(
        col(Delivery.report_id) == col(Report.id), col(Delivery.user_id) == caller.id
    )
    for queue in queues_for(caller):
        statement = (
            select(
                func.count(),
                func.count().filter(
                    or_(col(Delivery.state) == "new", col(Delivery.updated).is_(True))
                ),
            )
            .select_from(Report)
            .outerjoin(Delivery, my_delivery)
            .where(policy.read_condition(caller, facts), _queue_condition(queue, caller, now))
        )
        total, unread = (await unit.session.exec(statement)).one()
        counts[queue.value] = QueueCount(total=int(total), unread=int(unread))
    unit.audit(AuditEntry(action="queue.counts", object_type="queue"))
    return counts
