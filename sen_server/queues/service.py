"""Queue pages: always filtered by need-to-know, always paged, newest first."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, true
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.models import Delivery, Office, Report, User
from sen_server.principal import Caller
from sen_server.queues.policy import queues_for
from sen_server.reports import policy
from sen_server.reports.listing import envelope_conditions
from sen_server.reports.views import report_summary
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, DeliveryState, Priority, QueueName, ReportStatus, ReportType
from shared.schemas import QueueCount, QueueItem, QueuePage

S = ReportStatus
IROC_WINDOW = timedelta(hours=72)
IROC_QUEUE_TYPES = tuple(t for t in policy.IROC_TYPES)


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


def _queue_condition(queue: QueueName, caller: Caller, now: datetime) -> ColumnElement[bool]:
    mine = col(Report.author_id) == caller.id
    if queue == QueueName.MINE:
        return col(Delivery.id).is_not(None)
    if queue == QueueName.IROC:
        return and_(
            col(Report.type).in_(IROC_QUEUE_TYPES),
            col(Report.status).in_(policy.PUBLISHED),
            col(Report.submitted_at) >= now - IROC_WINDOW,
        )
    if queue == QueueName.REVIEW:
        return and_(col(Report.status) == S.IN_REVIEW, ~mine)
    if queue == QueueName.INTEL:
        return and_(
            col(Report.type) == ReportType.ERO_LEAD,
            col(Report.status).in_(policy.PUBLISHED),
            or_(col(Report.triage_status).is_(None), col(Report.triage_status) == "new"),
        )
    if queue == QueueName.DRAFTS:
        return and_(mine, col(Report.status).in_([S.DRAFT, S.RETURNED, S.IN_REVIEW]))
    if queue == QueueName.ALL:
        return true()  # whatever the caller may read
    return mine


def _filter_conditions(filters: QueueFilters) -> list[ColumnElement[bool]]:
    conditions = envelope_conditions(
        filters.type, filters.status, filters.priority, filters.since, filters.until
    )
    if filters.office:
        conditions.append(col(Office.code) == filters.office)
    return conditions


AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


def _scoped(
    statement: AnySelect, queue: QueueName, caller: Caller, filters: QueueFilters
) -> AnySelect:
    """The joins a queue's conditions need, and nothing wider.

    "my queue" is driven by the caller's deliveries (an inner join the delivery index can
    answer); every other queue outer-joins the caller's delivery for its unread mark. The
    author's office is joined only when a filter names it.
    """
    my_delivery = and_(
        col(Delivery.report_id) == col(Report.id), col(Delivery.user_id) == caller.id
    )
    if queue == QueueName.MINE:
        statement = statement.join(Delivery, my_delivery)
    else:
        statement = statement.outerjoin(Delivery, my_delivery)
    if filters.office:
        statement = statement.outerjoin(Office, col(Office.id) == col(Report.author_office_id))
    return statement


async def queue_page(
    unit: UnitOfWork,
    caller: Caller,
    queue: QueueName,
    filters: QueueFilters,
    offset: int,
    limit: int,
) -> QueuePage:
    now = unit.runtime.now()
    facts = await policy.reader_facts(unit.session, caller)
    readable = policy.read_condition(caller, facts)
    conditions = [readable, _queue_condition(queue, caller, now), *_filter_conditions(filters)]
    order = (
        col(Report.submitted_at)
        if queue in (QueueName.MINE, QueueName.IROC)
        else col(Report.updated_at)
    )
    unread_filter = _unread()
    # Two steps, so that a deep page stays cheap: first the ids of the page, sorted and
    # skipped over narrow rows (with the queue's totals counted in the same pass); then
    # the (at most 500) rows themselves, bodies and all.
    page = (
        await unit.session.exec(
            _scoped(
                select(
                    Report.id, func.count().over(), func.count().filter(unread_filter).over()
                ).select_from(Report),
                queue,
                caller,
                filters,
            )
            .where(*conditions)
            .order_by(order.desc(), col(Report.id).desc())
            .offset(offset)
            .limit(limit + 1)
        )
    ).all()
    if page:
        total, unread = page[0][1], page[0][2]
    else:  # past the end: count on its own
        counted = _scoped(
            select(func.count(), func.count().filter(unread_filter)).select_from(Report),
            queue,
            caller,
            filters,
        ).where(*conditions)
        total, unread = (await unit.session.exec(counted)).one()
    shown_ids = [row[0] for row in page[:limit]]
    my_delivery = and_(
        col(Delivery.report_id) == col(Report.id), col(Delivery.user_id) == caller.id
    )
    rows = (
        (
            await unit.session.exec(
                select(Report, User.username, Office.code, Delivery.state, Delivery.updated)  # type: ignore[call-overload]
                .join(User, col(User.id) == col(Report.author_id))
                .outerjoin(Office, col(Office.id) == col(Report.author_office_id))
                .outerjoin(Delivery, my_delivery)
                # Read rights are checked again on the rows actually shown.
                .where(col(Report.id).in_(shown_ids), readable)
            )
        ).all()
        if shown_ids
        else []
    )
    by_id = {row[0].id: row for row in rows}
    items = [
        QueueItem(
            **report_summary(report, author, office).model_dump(),
            delivery_state=state,
            updated=bool(updated),
            summarised=report.summarised_at is not None,
            allowed_actions=policy.row_actions(state),
        )
        for report, author, office, state, updated in (
            by_id[report_id] for report_id in shown_ids if report_id in by_id
        )
    ]
    unit.audit(
        AuditEntry(
            action=AuditAction.QUEUE_VIEW,
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
        next_offset=offset + limit if len(page) > limit else None,
        limit=limit,
    )


def _unread() -> ColumnElement[bool]:
    return or_(col(Delivery.state) == DeliveryState.NEW, col(Delivery.updated).is_(True))


async def queue_counts(unit: UnitOfWork, caller: Caller) -> dict[str, QueueCount]:
    counts: dict[str, QueueCount] = {}
    now = unit.runtime.now()
    facts = await policy.reader_facts(unit.session, caller)
    for queue in queues_for(caller):
        statement = _scoped(
            select(
                func.count(),
                func.count().filter(_unread()),
            ).select_from(Report),
            queue,
            caller,
            QueueFilters(),
        ).where(policy.read_condition(caller, facts), _queue_condition(queue, caller, now))
        total, unread = (await unit.session.exec(statement)).one()
        counts[queue.value] = QueueCount(total=int(total), unread=int(unread))
    unit.audit(AuditEntry(action=AuditAction.QUEUE_COUNTS, object_type="queue"))
    return counts
