"""Need-to-know for reports: the one place that decides who may create, read and act on one.

Every domain's ``policy.py`` has this shape: who may create (``creatable_types``), who may
read (``read_grants``: one rule, asked as SQL of lists, queues and search and of one row in
Python for a single report and the event stream, held to the same answers by tests, so a
list can never show what a detail view would refuse), and what a reader may do
(``allowed_actions``). The handlers enforce exactly what ``allowed_actions`` answers, and
the client shows it. Everything not granted is denied (SPEC §1).

The read rule is kept as a list of grants (``read_grants``), each a set of reports an index
can find (by status, type, author, program, or the reader's own deliveries) and
``read_condition`` is their OR. Lists that must not scan every report ask the rule in
those terms: whether one grant covers a whole set (``reads_whole``: the IROC queue for a
watch officer) or which grants can meet it (``grants_meeting``), and list the set under
each (sen_server.queues.service).

Each grant can also be asked of one report row in Python (``Grant.admits``): the live
stream decides what hundreds of readers may see of an event from rows read once
(sen_server.reports.rows), and a report opened by id is checked the same way
(``readable_row``). A grant's extra condition is therefore given twice, as SQL
(``only``) and as a test of a row (``only_row``), side by side where the grant is made;
tests/server/test_live_visibility.py holds the two to the same answers.
"""

from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.accounts.offices import load_offices, office_chain, office_subtree
from sen_server.models import Delivery, Report, User
from sen_server.principal import Caller
from sen_server.routing.rules import configured_review_policy
from shared.catalogue import get_type, program_report_types, send_actions
from shared.enums import (
    CONTENT_BLIND_ROLES,
    EDITABLE_STATUSES,
    DeliveryState,
    Program,
    ReportAction,
    ReportStatus,
    ReportType,
    Role,
)
from shared.fields import ReviewPolicy

T = ReportType
S = ReportStatus
A = ReportAction

AUTHOR_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.OFFICE_MANAGER, Role.HQ_AGENT)
IROC_TYPES = (T.SIR, T.OPPRED, T.SPEAR, T.LEARA, T.SPOT, T.ERO_TAV)
# Types each role reads whole once submitted, whoever wrote them.
ROLE_READS: dict[Role, tuple[ReportType, ...]] = {
    Role.IROC: IROC_TYPES,
    Role.INTEL_OPS: (T.ERO_LEAD,),
    Role.PUBLIC_AFFAIRS: (T.SIR, T.NEWS),
    Role.OPR: (T.SIR, T.OPPRED),
}
PUBLISHED = (S.SUBMITTED, S.CLOSED)


def creatable_types(caller: Caller) -> set[ReportType]:
    types: set[ReportType] = set()
    if caller.has(*AUTHOR_ROLES):
        types |= {T(code) for code in program_report_types(caller.user.program)}
    if caller.has(Role.IROC):
        types.add(T.SPOT)
    if caller.has(Role.PUBLIC_AFFAIRS):
        types.add(T.NEWS)
    return types


class RuleRow(Protocol):
    """What the read rule looks at in one report, to ask it in Python (``Grant.admits``):
    the live stream's rows (reports.rows.ReportRow) and one loaded report (``OneReport``)."""

    @property
    def status(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def author_id(self) -> int: ...
    @property
    def author_office_id(self) -> int | None: ...
    @property
    def program(self) -> str: ...
    @property
    def triage_status(self) -> str | None: ...
    @property
    def receipts(self) -> Container[int]: ...  # the users it was delivered to


@dataclass(frozen=True)
class ReaderFacts:
    """What the read rule needs to know about the caller beyond their roles."""

    supervised_ids: frozenset[int]  # users whose supervisor is the caller
    review_offices: frozenset[int]  # offices whose in-review reports the caller may review


async def reader_facts(session: AsyncSession, caller: Caller) -> ReaderFacts:
    supervised = (await session.exec(select(User.id).where(User.supervisor_id == caller.id))).all()
    offices: frozenset[int] = frozenset()
    if caller.has(Role.SUPERVISOR):
        offices = frozenset(office_subtree(await load_offices(session), caller.user.office_id))
    return ReaderFacts(frozenset(int(i) for i in supervised if i is not None), offices)


@dataclass(frozen=True)
class ReportSet:
    """A set of reports described in the read rule's own terms, so that the rule can say
    whether it grants the whole set (a queue, say) or which of its grants can meet it.
    ``None`` means "any"; ``authored`` True: written by the caller, False: never by them."""

    statuses: frozenset[str] | None = None
    types: frozenset[str] | None = None
    authored: bool | None = None
    delivered: bool = False  # only reports delivered to the caller


@dataclass(frozen=True)
class Grant:
    """One way a caller comes to read a report; the read rule is the OR of a caller's grants.

    A grant says what an index can find (statuses, types, authors, programs, the caller's own
    deliveries) and, in ``only``, any further condition on the report's columns. ``None``
    means "any"."""

    statuses: frozenset[str] | None = None
    types: frozenset[str] | None = None
    authors: frozenset[int] | None = None
    programs: frozenset[str] | None = None
    delivered_to: int | None = None  # reports delivered to this user
    only: ColumnElement[bool] | None = None
    only_row: "Callable[[RuleRow], bool] | None" = None  # ``only`` for one row, in Python

    def admits(self, row: "RuleRow") -> bool:
        """Whether this grant lets its caller read the report of ``row``."""
        return (
            (self.statuses is None or row.status in self.statuses)
            and (self.types is None or row.type in self.types)
            and (self.authors is None or row.author_id in self.authors)
            and (self.programs is None or row.program in self.programs)
            and (self.delivered_to is None or self.delivered_to in row.receipts)
            and (self.only_row is None or self.only_row(row))
        )

    def condition(self) -> ColumnElement[bool]:
        """The grant as one condition on ``Report`` (a delivery as an EXISTS)."""
        parts = self.conditions()
        return and_(*parts) if parts else true()

    def conditions(self) -> list[ColumnElement[bool]]:
        parts: list[ColumnElement[bool]] = []
        if self.statuses is not None:
            parts.append(col(Report.status).in_(sorted(self.statuses)))
        if self.types is not None:
            parts.append(col(Report.type).in_(sorted(self.types)))
        if self.authors is not None:
            parts.append(col(Report.author_id).in_(sorted(self.authors)))
        if self.programs is not None:
            parts.append(col(Report.program).in_(sorted(self.programs)))
        if self.delivered_to is not None:
            parts.append(
                exists().where(
                    col(_GRANTED.report_id) == col(Report.id),
                    col(_GRANTED.user_id) == self.delivered_to,
                )
            )
        if self.only is not None:
            parts.append(self.only)
        return parts

    def covers(self, wanted: ReportSet, me: int) -> bool:
        """Every report of ``wanted`` is granted by this grant alone."""
        return (
            self.only is None
            and self.programs is None  # a set never names programs
            and _within(wanted.statuses, self.statuses)
            and _within(wanted.types, self.types)
            and (self.authors is None or (wanted.authored is True and me in self.authors))
            and (self.delivered_to is None or wanted.delivered)
        )

    def meets(self, wanted: ReportSet, me: int) -> bool:
        """This grant may grant some report of ``wanted`` (False only when it cannot)."""
        if not (_overlap(wanted.statuses, self.statuses) and _overlap(wanted.types, self.types)):
            return False
        own_only = self.authors == frozenset({me})
        if wanted.authored is True and self.authors is not None and me not in self.authors:
            return False
        if wanted.authored is False and own_only:
            return False
        # Routing never delivers a report to its author (SPEC §4, routing.recipients).
        if wanted.authored is True and self.delivered_to is not None:
            return False
        return not (wanted.delivered and own_only)


def _within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    return outer is None or (inner is not None and inner <= outer)


def _overlap(one: frozenset[str] | None, other: frozenset[str] | None) -> bool:
    return one is None or other is None or bool(one & other)


# One alias for every call, so that a query which also joins Delivery (the queues) keeps
# the grant's subquery its own FROM instead of correlating it away.
_GRANTED = aliased(Delivery, name="granted_delivery")


def read_grants(caller: Caller, facts: ReaderFacts) -> list[Grant]:
    """Every way this caller reads reports (SPEC §1); none for roles that read no content."""
    if caller.roles <= CONTENT_BLIND_ROLES:
        return []
    me = caller.id
    published = frozenset(PUBLISHED)
    grants = [
        Grant(authors=frozenset({me})),
        Grant(statuses=published, delivered_to=me),
        Grant(statuses=published, types=frozenset({T.SPOT})),
    ]
    # A named supervisor reviews and reads their people's reports, whatever their role
    # (the demo's SAC supervises a group supervisor); other supervisors up the office chain
    # may review too.
    if facts.supervised_ids or facts.review_offices:
        supervised, offices = facts.supervised_ids, facts.review_offices
        reviewable = or_(
            col(Report.author_id).in_(sorted(supervised)),
            col(Report.author_office_id).in_(sorted(offices)),
        )
        grants.append(
            Grant(
                statuses=frozenset({S.IN_REVIEW}),
                only=reviewable,
                only_row=lambda r: r.author_id in supervised or r.author_office_id in offices,
            )
        )
    if facts.supervised_ids:
        grants.append(Grant(statuses=published, authors=facts.supervised_ids))
    for role, types in ROLE_READS.items():
        if caller.has(role):
            grants.append(Grant(statuses=published, types=frozenset(types)))
    if caller.has(Role.HQ_AGENT):
        program = caller.user.program
        # OPPRED never widens beyond HSI headquarters (SPEC §1).
        hq_types = frozenset(t for t in T if t != T.OPPRED or program == Program.HSI)
        grants.append(Grant(statuses=published, types=hq_types, programs=frozenset({program})))
    if caller.has(Role.HSI_INTEL):
        flagged = col(Report.triage_status) == "flagged_for_hsi"
        grants.append(
            Grant(
                statuses=published,
                types=frozenset({T.ERO_LEAD}),
                only=flagged,
                only_row=lambda r: r.triage_status == "flagged_for_hsi",
            )
        )
    return grants


def read_condition(caller: Caller, facts: ReaderFacts) -> ColumnElement[bool]:
    grants = read_grants(caller, facts)
    return or_(*(g.condition() for g in grants)) if grants else false()


def admits(grants: list[Grant], row: "RuleRow") -> bool:
    """Whether a caller with these grants (``read_grants``) may read the report of ``row``."""
    return any(g.admits(row) for g in grants)


def reads_whole(caller: Caller, facts: ReaderFacts, wanted: ReportSet) -> bool:
    """Whether one of the caller's grants covers every report of ``wanted`` (the IROC
    queue for a watch officer, "my queue" for anyone): then listing the set needs no
    per-report check beyond the set's own condition."""
    return any(g.covers(wanted, caller.id) for g in read_grants(caller, facts))


def grants_meeting(caller: Caller, facts: ReaderFacts, wanted: ReportSet) -> list[Grant]:
    """The caller's grants that can grant a report of ``wanted``: a list of the set the
    caller may read is the union of the set under each of these."""
    return [g for g in read_grants(caller, facts) if g.meets(wanted, caller.id)]


def report_statement(*also: Any) -> Any:
    """The statement ``readable_row`` runs: a report by id (the ``report_id`` parameter)
    with its author's supervisor, and ``also`` (further columns, joined by the caller).
    Built once per module: making and compiling a select anew took a third of the time of
    running it."""
    return (
        select(Report, col(User.supervisor_id), *also)
        .outerjoin(User, col(User.id) == col(Report.author_id))
        .where(col(Report.id) == bindparam("report_id"))
    )


_REPORT = report_statement()
# The caller's own delivery of a report.
_DELIVERY = select(col(Delivery.state), col(Delivery.updated)).where(
    col(Delivery.report_id) == bindparam("report_id"), col(Delivery.user_id) == bindparam("user_id")
)


async def readable_report(session: AsyncSession, caller: Caller, report_id: str) -> Report | None:
    """The report, if the caller may read it."""
    row = await readable_row(session, caller, _REPORT, report_id)
    return row[0] if row is not None else None


async def readable_row(
    session: AsyncSession, caller: Caller, statement: Any, report_id: str
) -> Any | None:
    """The row of ``statement`` (made by ``report_statement``) for ``report_id``, if the
    caller may read its report.

    One report is asked of the rule in Python (``admits``), as the live stream does, not as
    ``read_condition`` in SQL: that condition, built and compiled for every request, cost
    more than the rest of an audited read's statements together. The row carries the
    author's supervisor, which is all the caller's supervisees matter for here; the caller's
    delivery is looked up only when no other grant admits the report.
    tests/server/test_live_visibility.py holds this to ``readable_report_ids`` (SQL).
    """
    if caller.roles <= CONTENT_BLIND_ROLES:
        return None
    row = (await session.exec(statement, params={"report_id": report_id})).first()
    if row is None:
        return None
    report, author_supervisor = row[0], row[1]
    # The caller's supervisees narrowed to this report's author, and the offices whose
    # reports they review only where the review grant could apply: the same grants as
    # ``reader_facts`` would give, as far as this one report can tell them apart.
    supervised = frozenset({report.author_id}) if author_supervisor == caller.id else frozenset()
    offices: frozenset[int] = frozenset()
    if report.status == S.IN_REVIEW and caller.has(Role.SUPERVISOR):
        offices = frozenset(office_subtree(await load_offices(session), caller.user.office_id))
    grants = read_grants(caller, ReaderFacts(supervised, offices))
    if admits(grants, OneReport(report, frozenset())):
        return row
    delivered = OneReport(report, frozenset({caller.id}))
    may_by_delivery = any(g.delivered_to is not None and g.admits(delivered) for g in grants)
    if may_by_delivery and await _delivery(session, report.id, caller.id) is not None:
        return row
    return None


@dataclass(frozen=True, slots=True)
class OneReport:
    """A report as ``Grant.admits`` reads a row: its columns, and who it was delivered to."""

    report: Report
    receipts: frozenset[int]

    @property
    def status(self) -> str:
        return self.report.status

    @property
    def type(self) -> str:
        return self.report.type

    @property
    def author_id(self) -> int:
        return self.report.author_id

    @property
    def author_office_id(self) -> int | None:
        return self.report.author_office_id

    @property
    def program(self) -> str:
        return self.report.program

    @property
    def triage_status(self) -> str | None:
        return self.report.triage_status


async def readable_report_ids(session: AsyncSession, caller: Caller, ids: set[str]) -> set[str]:
    """Of these report ids, the ones the caller may read, asked of the database (the live
    stream asks ``admits`` of rows instead; tests hold the two to the same answers)."""
    if not ids:
        return set()
    facts = await reader_facts(session, caller)
    # The rule is selected, not filtered on: next to many ids in a WHERE, SQLite would walk
    # the rule's OR branches by index instead of looking the ids up by key.
    readable = read_condition(caller, facts).label("readable")
    rows = (await session.exec(select(Report.id, readable).where(col(Report.id).in_(ids)))).all()
    return {report_id for report_id, allowed in rows if allowed}


def must_mask(caller: Caller, report: Report) -> bool:
    """Public affairs reads SIRs with every PII field masked (SPEC §1)."""
    return (
        report.type == T.SIR
        and caller.has(Role.PUBLIC_AFFAIRS)
        and report.author_id != caller.id
        and not caller.has(Role.IROC, Role.OPR, Role.HQ_AGENT, Role.SUPERVISOR)
    )


def can_edit(caller: Caller, report: Report) -> bool:
    return report.author_id == caller.id and report.status in EDITABLE_STATUSES


def can_amend(caller: Caller, report: Report) -> bool:
    return report.author_id == caller.id and report.status == S.SUBMITTED


async def can_review(session: AsyncSession, caller: Caller, report: Report) -> bool:
    """The author's supervisor, or a supervisor up the author's office chain; never the author."""
    if report.author_id == caller.id:
        return False
    author = await session.get(User, report.author_id)
    if author is not None and author.supervisor_id == caller.id:
        return True
    if not caller.has(Role.SUPERVISOR):
        return False
    offices = await load_offices(session)
    chain_ids = {o.id for o in office_chain(offices, report.author_office_id)}
    return caller.user.office_id in chain_ids


async def review_policy(session: AsyncSession, report_type: str) -> ReviewPolicy:
    """The review rule in force: the database's (admin-editable), else the catalogue's."""
    return await configured_review_policy(session, ReportType(report_type)) or (
        get_type(report_type).review
    )


@dataclass(frozen=True)
class ActionFacts:
    """What ``allowed_actions`` needs beyond the report row and the caller's roles. Each
    fact is looked up only where it can matter, so a plain read costs no extra query."""

    review: ReviewPolicy = ReviewPolicy.NONE  # in force for the type (the author's drafts)
    may_review: bool = False  # the caller may decide this report's review
    delivery: DeliveryState | None = None  # the caller's own delivery of it, if any
    delivery_updated: bool = False  # that delivery shows the report as amended since read

    @property
    def unread(self) -> bool:
        """Opening the report changes the caller's delivery (new, or amended since read)."""
        return self.delivery is DeliveryState.NEW or self.delivery_updated


async def action_facts(session: AsyncSession, caller: Caller, report: Report) -> ActionFacts:
    mine = report.author_id == caller.id
    review = ReviewPolicy.NONE
    if can_edit(caller, report):
        review = await review_policy(session, report.type)
    may_review = (
        report.status == S.IN_REVIEW and not mine and await can_review(session, caller, report)
    )
    if report.status in PUBLISHED and not mine:  # the author is never a recipient
        row = await _delivery(session, report.id, caller.id)
        if row is not None:
            return ActionFacts(review, may_review, DeliveryState(row[0]), bool(row[1]))
    return ActionFacts(review, may_review)


async def _delivery(session: AsyncSession, report_id: str, user_id: int) -> Any | None:
    """The user's delivery of the report (state, updated), if there is one."""
    params = {"report_id": report_id, "user_id": user_id}
    return (await session.exec(_DELIVERY, params=params)).first()


def allowed_actions(caller: Caller, report: Report, facts: ActionFacts) -> frozenset[ReportAction]:
    """What the caller may do to the report now (SPEC §1, §3); the handlers enforce this."""
    actions: set[ReportAction] = set()
    if can_edit(caller, report):
        actions |= {A.EDIT, A.DELETE, *send_actions(facts.review)}
    if facts.may_review:
        actions |= {A.APPROVE, A.RETURN}
    if can_amend(caller, report):
        actions.add(A.AMEND)
    if facts.delivery in (DeliveryState.NEW, DeliveryState.READ):
        actions.add(A.ACKNOWLEDGE)
    if report.status == S.SUBMITTED and _follows_up(caller, report, facts):
        actions.add(A.CLOSE)
        if report.type == T.LEARA:
            actions.add(A.DISPOSITION)
    return frozenset(actions)


def _follows_up(caller: Caller, report: Report, facts: ActionFacts) -> bool:
    """The author, or an office manager it was routed to (SPEC §1: LEARA disposition)."""
    return report.author_id == caller.id or (
        caller.has(Role.OFFICE_MANAGER) and facts.delivery is not None
    )


def row_actions(delivery: str | None) -> list[ReportAction]:
    """What a queue row offers without opening the report: acknowledging a delivery."""
    return [A.ACKNOWLEDGE] if delivery in (DeliveryState.NEW, DeliveryState.READ) else []
