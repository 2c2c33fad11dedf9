"""Queue pages: always filtered by need-to-know, always paged, newest first, and each page
costs the same however many reports the database holds.

**Paging** is by keyset: a page is "the ``limit`` rows after this cursor" in the queue's
order (``submitted_at`` for "mine" and IROC, ``updated_at`` for the others, the report id
breaking ties), so the 100th page costs what the first does, and rows that arrive while a
reader pages land before the first page instead of shifting the later ones. The cursor
(sen_server.queues.cursor) is opaque to clients; ``offset`` is gone, since an OFFSET walks
every row it skips.

**Need-to-know as index ranges** (sen_server.queues.walks). A queue is described in the
read rule's own terms (``policy.ReportSet``: statuses, types, the caller's own reports or
deliveries). If one of the caller's read grants covers the whole set (``policy.reads_whole``:
the IROC queue for a watch officer, "my queue" for anyone), the page is that set's own
ranges; otherwise it is the union of the set under each grant that can meet it
(``policy.grants_meeting``). Each is cut into ranges that an index walks in the queue's
order — one per author, program, type or status it fixes, or the caller's deliveries,
which carry their report's type and sort keys — and each stops after ``limit + 1`` rows;
their union is sorted and cut again. The rows shown are then read by id and checked against
``policy.read_condition`` once more.

**Counts are bounded.** A total or unread count stops at ``COUNT_CAP`` (1,000): each group
of ranges counts at most ``COUNT_CAP + 1`` rows, and a queue that holds more says so
(``total_exact`` / ``unread_exact`` False; the client shows "1,000+"). Counts kept per
user at write time were the alternative: they would put a write on every delivery, read,
acknowledgment, amendment and close, for every recipient of a broadcast, and the IROC
queue's rolling 72-hour window would still need counting; a reader needs the exact number
of a small queue and "more than 1,000" of a large one. Unread rows are the caller's unread
deliveries (partial index ``ix_delivery_unread``) in the queue's types and window. A bound
of 10,000 was measured too, at a million reports: the counts of the IROC watch officer's
five queues took 12 ms instead of 4 on SQLite and 38 ms instead of 6 on PostgreSQL.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, func, union
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.models import Delivery, Office, Report, User
from sen_server.principal import Caller
from sen_server.queues.cursor import Position, decode_cursor, encode_cursor
from sen_server.queues.policy import queues_for
from sen_server.queues.walks import (
    SHAPES,
    QueueRead,
    Rows,
    Walk,
    both,
    bounded,
    page_statement,
    plan,
    unread_walk,
)
from sen_server.reports import policy
from sen_server.reports.listing import envelope_conditions
from sen_server.reports.policy import ReaderFacts
from sen_server.reports.views import ENVELOPE, summary_fields
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, Priority, QueueName, ReportStatus, ReportType
from shared.schemas import QueueCount, QueueItem, QueuePage

COUNT_CAP = 1_000


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


def _count_columns(groups: Sequence[Sequence[Walk]], unread: Walk | None) -> list[Any]:
    """The queue's counts as columns: each group's rows and the unread rows, each counted up
    to ``COUNT_CAP + 1`` (walks in a group share no report; groups may)."""
    columns = [bounded(g, COUNT_CAP) for g in groups]
    if unread is not None:
        columns.append(bounded([unread], COUNT_CAP))
    return columns


async def _counted(
    unit: UnitOfWork,
    groups: Sequence[Sequence[Walk]],
    unread: Walk | None,
    values: Sequence[Any],
) -> QueueCount:
    """The counts from ``_count_columns``' values; when groups that may share reports stay
    under the bound, their distinct union is counted (a second statement)."""
    per_group = [int(v) for v in values[: len(groups)]]
    unread_rows = int(values[len(groups)]) if unread is not None else 0
    total = max(per_group, default=0)
    if total <= COUNT_CAP and sum(per_group) > total:
        # A delivered SPOT is also every reader's SPOT; each group holds ≤ COUNT_CAP rows here.
        united = union(*(w.ids() for g in groups for w in g)).subquery()
        total = int((await unit.session.exec(select(func.count()).select_from(united))).one())
    return QueueCount(
        total=min(total, COUNT_CAP),
        unread=min(unread_rows, COUNT_CAP),
        total_exact=total <= COUNT_CAP,
        unread_exact=unread_rows <= COUNT_CAP,
    )


async def _counts(
    unit: UnitOfWork, groups: Sequence[Sequence[Walk]], unread: Walk | None
) -> QueueCount:
    columns = _count_columns(groups, unread)
    if not columns:
        return QueueCount(total=0, unread=0)
    row = (await unit.session.exec(select(*columns))).one()
    values = list(row) if len(columns) > 1 else [row]  # one column comes back as a scalar
    return await _counted(unit, groups, unread, values)


async def _query(
    unit: UnitOfWork, caller: Caller, queue: QueueName, filters: QueueFilters, now: datetime
) -> QueueRead:
    shape = SHAPES[queue]
    reports = shape.reports
    if filters.type:
        reports = replace(reports, types=both(reports.types, frozenset({filters.type})))
    if filters.status:
        reports = replace(reports, statuses=both(reports.statuses, frozenset({filters.status})))
    oldest = now - shape.window if shape.window else None
    extra = [
        *shape.own,
        *envelope_conditions(None, None, filters.priority, filters.since, filters.until),
    ]
    if filters.office:
        office = (
            await unit.session.exec(select(Office.id).where(col(Office.code) == filters.office))
        ).first()
        extra.append(col(Report.author_office_id) == office if office else false())
    return QueueRead(caller, shape, reports, tuple(extra), oldest)


async def queue_page(
    unit: UnitOfWork,
    caller: Caller,
    queue: QueueName,
    filters: QueueFilters,
    cursor: str | None,
    limit: int,
) -> QueuePage:
    after = decode_cursor(queue, cursor) if cursor else None
    now = unit.runtime.now()
    facts = await policy.reader_facts(unit.session, caller)
    query = await _query(unit, caller, queue, filters, now)
    groups = plan(query, facts)
    unread = unread_walk(query, facts)
    walks = [w for g in groups for w in g]
    rows: list[Any] = []
    if walks:
        counting = _count_columns(groups, unread)
        statement = _page_rows(caller, facts, page_statement(walks, after, limit + 1), counting)
        rows = list((await unit.session.exec(statement)).all())
    if rows:  # the counts came with the rows
        counts = await _counted(unit, groups, unread, rows[0][COUNTS_AT:])
    else:
        counts = await _counts(unit, groups, unread)
    shown = rows[:limit]
    items = [_item(row) for row in shown if row.readable]
    next_cursor = None
    if len(rows) > limit:
        last = shown[-1]
        next_cursor = encode_cursor(queue, Position(last.k, last.id))
    unit.audit(
        AuditEntry(
            action=AuditAction.QUEUE_VIEW,
            object_type="queue",
            object_id=queue.value,
            details={
                "ids": [i.id for i in items],
                "filters": filters.as_details(),
                "after": [after.key.isoformat(), after.report_id] if after else None,
            },
        )
    )
    return QueuePage(
        **counts.model_dump(),
        queue=queue,
        order_by="submitted_at" if query.shape.by_submission else "updated_at",
        items=items,
        next_cursor=next_cursor,
        limit=limit,
    )


def _page_rows(caller: Caller, facts: ReaderFacts, page: Rows, counting: list[Any]) -> Rows:
    """The page (its ids, from the walks) with what its rows show, in its order, and the
    queue's counts as extra columns: one statement, one round trip. Columns, not ORM
    objects: a row shows the envelope, and building 50 Report objects cost more than the
    query. Read rights are checked again on the rows shown, as a column: in a WHERE,
    SQLite would walk the rule's OR branches by index instead of looking the page's rows
    up by key."""
    ids = page.subquery()
    my_delivery = and_(
        col(Delivery.report_id) == col(Report.id), col(Delivery.user_id) == caller.id
    )
    return (
        select(  # type: ignore[call-overload]
            *ENVELOPE,
            col(Report.summary_id),
            col(User.username),
            col(Office.code),
            col(Delivery.state),
            col(Delivery.updated),
            policy.read_condition(caller, facts).label("readable"),
            ids.c.k,
            *counting,
        )
        .select_from(ids)
        .join(Report, col(Report.id) == ids.c.id)
        .join(User, col(User.id) == col(Report.author_id))
        .outerjoin(Office, col(Office.id) == col(Report.author_office_id))
        .outerjoin(Delivery, my_delivery)
        .order_by(ids.c.k.desc(), ids.c.id.desc())
    )


# Where a page row's counts begin: after the envelope and the seven columns above.
COUNTS_AT = len(ENVELOPE) + 7


def _item(row: Any) -> QueueItem:
    return QueueItem(
        **summary_fields(row, row.username, row.code),
        delivery_state=row.state,
        updated=bool(row.updated),
        summarised=row.summary_id is not None,
        summary_id=row.summary_id,
        allowed_actions=policy.row_actions(row.state),
    )


async def queue_counts(unit: UnitOfWork, caller: Caller) -> dict[str, QueueCount]:
    counts: dict[str, QueueCount] = {}
    now = unit.runtime.now()
    facts = await policy.reader_facts(unit.session, caller)
    for queue in queues_for(caller):
        query = await _query(unit, caller, queue, QueueFilters(), now)
        counts[queue.value] = await _counts(unit, plan(query, facts), unread_walk(query, facts))
    unit.audit(AuditEntry(action=AuditAction.QUEUE_COUNTS, object_type="queue"))
    return counts
