"""Queues as index walks: what each queue holds, in the read rule's terms, and the ranges
that list it for one reader, newest first (the design is in sen_server.queues.service).

Everything here builds statements; nothing runs them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import product
from typing import Any

from sqlalchemy import ColumnElement, String, func, literal_column, or_, union, union_all
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from sen_server.models import Delivery, Report, UTCDateTime, unread_delivery
from sen_server.principal import Caller
from sen_server.queues.cursor import Position
from sen_server.reports import policy
from sen_server.reports.policy import Grant, ReaderFacts, ReportSet
from sen_server.reports.rows import ReportRow
from sen_server.routing.service import DELIVERED_STATUSES
from shared.enums import QueueName, ReportStatus, ReportType

S = ReportStatus
IROC_WINDOW = timedelta(hours=72)
PUBLISHED = frozenset(policy.PUBLISHED)
Rows = Select[*tuple[Any, ...]]


@dataclass(frozen=True, eq=False)
class QueueShape:
    """What a queue holds, in the read rule's terms plus conditions of its own, and its order."""

    reports: ReportSet
    by_submission: bool  # newest submitted first; else newest change first
    window: timedelta | None = None  # only reports submitted within this long
    own: tuple[ColumnElement[bool], ...] = ()  # further conditions on Report
    own_row: "Callable[[ReportRow], bool] | None" = None  # ``own`` for one row, in Python


SHAPES: dict[QueueName, QueueShape] = {
    QueueName.MINE: QueueShape(ReportSet(statuses=PUBLISHED, delivered=True), True),
    QueueName.IROC: QueueShape(
        ReportSet(statuses=PUBLISHED, types=frozenset(policy.IROC_TYPES)), True, IROC_WINDOW
    ),
    QueueName.REVIEW: QueueShape(
        ReportSet(statuses=frozenset({S.IN_REVIEW}), authored=False), False
    ),
    QueueName.INTEL: QueueShape(
        ReportSet(statuses=PUBLISHED, types=frozenset({ReportType.ERO_LEAD})),
        False,
        own=(or_(col(Report.triage_status).is_(None), col(Report.triage_status) == "new"),),
        own_row=lambda r: r.triage_status in (None, "new"),
    ),
    QueueName.DRAFTS: QueueShape(
        ReportSet(statuses=frozenset({S.DRAFT, S.RETURNED, S.IN_REVIEW}), authored=True), False
    ),
    QueueName.REPORTS: QueueShape(ReportSet(authored=True), False),
    QueueName.ALL: QueueShape(ReportSet(), False),
}


@dataclass(frozen=True)
class QueueRead:
    """One queue read by one caller, with its filters: the pieces every walk shares."""

    caller: Caller
    shape: QueueShape
    reports: ReportSet  # the queue's set, narrowed by the filters on type and status
    extra: tuple[ColumnElement[bool], ...]  # the queue's own conditions, the other filters
    oldest: datetime | None  # the start of the queue's window (on submission), if any


@dataclass(frozen=True)
class Walk:
    """One index range walked newest first: rows meeting ``where``, keyed by ``key`` (the
    queue's sort key) and ``report_id``; from the caller's deliveries when ``delivered``
    (joined to their reports when ``where`` needs a report column), else from the reports."""

    key: Any
    report_id: Any
    where: tuple[ColumnElement[bool], ...]
    delivered: bool = False
    joined: bool = False

    def rows(self, after: Position | None) -> Rows:
        """``(k, id)`` of the rows after ``after``, in the queue's order.

        The position is a range on the key (which an index walks) and a filter for rows
        sharing the position's key, rather than a row-value comparison, so that both
        databases bound the walk by it."""
        statement = self._select(self.key.label("k"), self.report_id.label("id"))
        if after is not None:
            statement = statement.where(
                self.key <= after.key,
                or_(self.key < after.key, self.report_id < after.report_id),
            )
        return statement.order_by(self.key.desc(), self.report_id.desc())

    def ids(self) -> Rows:
        return self._select(self.report_id.label("id"))

    def narrowed(self, *conditions: ColumnElement[bool]) -> "Walk":
        return replace(self, where=(*self.where, *conditions))

    def _select(self, *columns: Any) -> Rows:
        statement = select(*columns)
        if self.delivered:
            statement = statement.select_from(Delivery)
            if self.joined:
                statement = statement.join(Report, col(Report.id) == col(Delivery.report_id))
        return statement.where(*self.where)


def both(one: frozenset[Any] | None, other: frozenset[Any] | None) -> frozenset[Any] | None:
    """Two constraints on one dimension at once (None: any)."""
    if one is None:
        return other
    return one if other is None else one & other


# The report columns a read grant or a queue fixes, by name.
DIMENSIONS: dict[str, Any] = {
    "author": col(Report.author_id),
    "program": col(Report.program),
    "type": col(Report.type),
    "status": col(Report.status),
}


def walks_under(query: QueueRead, grant: Grant | None) -> list[Walk]:
    """The ranges that list the queue's set under one grant (None: the whole set): the
    caller's deliveries, or one range per author, program, type or status that the grant
    and the set fix between them, each of which an index walks in the queue's order.

    A dimension a walk fixes is an equality; the others stay IN-lists. Never both on one
    column: SQLite then picks its index by the IN-list and loses the order."""
    wanted, me = query.reports, query.caller.id
    grant = grant or Grant()
    dims = {
        "author": frozenset({me}) if wanted.authored is True else grant.authors,
        "program": grant.programs,
        "type": both(wanted.types, grant.types),
        "status": both(wanted.statuses, grant.statuses),
    }
    where = [*query.extra, *([grant.only] if grant.only is not None else [])]
    if wanted.authored is False:
        where.append(col(Report.author_id) != me)
    if grant.delivered_to is not None or wanted.delivered:
        return [_delivery_walk(query, dims, where)]
    if query.oldest is not None:
        where.append(col(Report.submitted_at) >= query.oldest)
    key: Any = col(Report.submitted_at) if query.shape.by_submission else col(Report.updated_at)
    fixed = _fixed(dims)
    rest = _in_lists({name: v for name, v in dims.items() if name not in fixed})
    return [
        Walk(
            key,
            col(Report.id),
            (*where, *(DIMENSIONS[n] == v for n, v in zip(fixed, values, strict=True)), *rest),
        )
        for values in product(*(sorted(dims[name] or ()) for name in fixed))
    ]


def _delivery_walk(
    query: QueueRead, dims: dict[str, frozenset[Any] | None], where: list[ColumnElement[bool]]
) -> Walk:
    """The caller's deliveries (standing for a grant's EXISTS): they carry their report's
    type and sort keys, and every delivered report is published, so the report itself is
    joined only for the conditions left (filters, a triage state)."""
    types, statuses = dims.pop("type"), dims.pop("status")
    if statuses is not None and not statuses >= DELIVERED_STATUSES:
        where.append(col(Report.status).in_(sorted(statuses)))
    where += _in_lists(dims)
    joined = bool(where)
    where.insert(0, col(Delivery.user_id) == query.caller.id)
    if types is not None:
        where.append(col(Delivery.report_type).in_(sorted(types)))
    if query.oldest is not None:
        where.append(col(Delivery.report_submitted_at) >= query.oldest)
    key: Any = (
        col(Delivery.report_submitted_at)
        if query.shape.by_submission
        else col(Delivery.report_updated_at)
    )
    return Walk(key, col(Delivery.report_id), tuple(where), delivered=True, joined=joined)


def _fixed(dims: dict[str, frozenset[Any] | None]) -> list[str]:
    """The dimensions a walk fixes, as the report indexes lead with them (models.Report):
    author and status (an author's drafts are few among their reports), program and type,
    type, or status."""
    given = {name for name, values in dims.items() if values is not None}
    for lead in (["author", "status"], ["author"], ["program", "type"], ["type"], ["status"]):
        if set(lead) <= given:
            return lead
    return []


def _in_lists(dims: dict[str, frozenset[Any] | None]) -> list[ColumnElement[bool]]:
    return [DIMENSIONS[name].in_(sorted(v)) for name, v in dims.items() if v is not None]


def plan(query: QueueRead, facts: ReaderFacts) -> list[list[Walk]]:
    """The walks that list the queue for the caller, one group per grant: the walks of a
    group never share a report (each fixes another author, type or status); two groups may."""
    wanted = query.reports
    if policy.reads_whole(query.caller, facts, wanted):
        whole = walks_under(query, None)
        return [whole] if whole else []  # filters that no report can meet: no walk at all
    grants = policy.grants_meeting(query.caller, facts, wanted)
    return [walks for walks in (walks_under(query, g) for g in grants) if walks]


def page_statement(walks: Sequence[Walk], after: Position | None, rows: int) -> Rows:
    """Each walk's next ``rows`` rows, united, sorted, cut to ``rows``."""
    if len(walks) == 1:
        return walks[0].rows(after).limit(rows)
    # Columns by name, not through ``subquery().c``: building those proxies for every walk
    # cost more than the rest of the statement (about 1 ms a page).
    k, report_id = literal_column("k", UTCDateTime()), literal_column("id", String())
    parts = (w.rows(after).limit(rows).subquery() for w in walks)
    united = union(*(select(k, report_id).select_from(p) for p in parts)).subquery()
    return select(k, report_id).select_from(united).order_by(k.desc(), report_id.desc()).limit(rows)


def bounded(walks: Sequence[Walk], cap: int) -> Any:
    """How many rows the walks have between them (they share none), counting at most
    ``cap + 1``: the walks run one after the other and stop there."""
    rows = walks[0].ids() if len(walks) == 1 else union_all(*(w.ids() for w in walks))
    counted = rows.limit(cap + 1).subquery()
    return select(func.count()).select_from(counted).scalar_subquery()


def unread_walk(query: QueueRead, facts: ReaderFacts) -> Walk | None:
    """The queue's rows whose delivery to the caller is unread: the caller's unread
    deliveries (partial index ``ix_delivery_unread``) in the queue's types and window,
    checked against the rest of the queue's conditions. None: there can be none."""
    wanted = query.reports
    delivered = replace(wanted, statuses=both(wanted.statuses, PUBLISHED), delivered=True)
    # Only a delivery can be unread, and routing never delivers a report to its author.
    if not delivered.statuses or wanted.authored is True:
        return None
    # A report delivered to the caller is read through the delivery grant (unless the
    # caller reads no content at all).
    if not policy.reads_whole(query.caller, facts, delivered):
        return None
    (walk,) = walks_under(replace(query, reports=delivered), None)
    return walk.narrowed(unread_delivery())
