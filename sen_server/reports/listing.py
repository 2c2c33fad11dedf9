"""Paged lists of the reports a caller may read, newest change first."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.models import Office, Report, User
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.reports.search import normalised_terms, search_condition, search_terms
from sen_server.reports.views import report_summary
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, Priority, ReportStatus, ReportType, Role
from shared.schemas import Page, ReportSummary


@dataclass(frozen=True)
class ReportFilters:
    type: ReportType | None = None
    status: ReportStatus | None = None
    priority: Priority | None = None
    mine: bool = False
    since: datetime | None = None
    until: datetime | None = None
    query: str = ""

    def as_details(self, term_digest: Callable[[str], str]) -> dict[str, str]:
        details = {
            k: str(v)
            for k, v in self.__dict__.items()
            if v not in (None, False, "") and k != "query"
        }
        if self.query:
            # Search terms may name a person: the audit keeps a digest an auditor can match
            # against a suspected term, and the number of terms, not the words themselves.
            details["search_hmac"] = term_digest(normalised_terms(self.query))
            details["search_terms"] = str(len(search_terms(self.query)))
        return details


def envelope_conditions(
    report_type: ReportType | None,
    status: ReportStatus | None,
    priority: Priority | None,
    since: datetime | None,
    until: datetime | None,
) -> list[ColumnElement[bool]]:
    """The filters every report list offers (lists, queues), on envelope columns only."""
    conditions: list[ColumnElement[bool]] = []
    if report_type:
        conditions.append(col(Report.type) == report_type)
    if status:
        conditions.append(col(Report.status) == status)
    if priority:
        conditions.append(col(Report.priority) == priority)
    if since:
        conditions.append(col(Report.updated_at) >= since)
    if until:
        conditions.append(col(Report.updated_at) < until)
    return conditions


async def list_reports(
    unit: UnitOfWork, caller: Caller, filters: ReportFilters, offset: int, limit: int
) -> Page[ReportSummary]:
    facts = await policy.reader_facts(unit.session, caller)
    conditions = [
        policy.read_condition(caller, facts),
        *envelope_conditions(
            filters.type, filters.status, filters.priority, filters.since, filters.until
        ),
    ]
    if filters.mine:
        conditions.append(col(Report.author_id) == caller.id)
    terms = search_terms(filters.query)
    if terms:
        dialect = unit.session.get_bind().dialect.name
        titles_only = caller.has(Role.PUBLIC_AFFAIRS)
        conditions.append(search_condition(dialect, terms, titles_only=titles_only))
    statement = (
        select(Report, User.username, Office.code)
        .join(User, col(User.id) == col(Report.author_id))
        .outerjoin(Office, col(Office.id) == col(Report.author_office_id))
        .where(*conditions)
        .order_by(col(Report.updated_at).desc(), col(Report.id).desc())
        .offset(offset)
        .limit(limit + 1)  # one more tells whether a next page exists
    )
    rows = (await unit.session.exec(statement)).all()
    total = (
        await unit.session.exec(select(func.count()).select_from(Report).where(*conditions))
    ).one()
    items = [report_summary(r, author, office) for r, author, office in rows[:limit]]
    unit.audit(
        AuditEntry(
            action=AuditAction.REPORT_LIST,
            object_type="report",
            details={
                "ids": [i.id for i in items],
                "filters": filters.as_details(unit.runtime.signer.term_digest),
                "offset": offset,
            },
        )
    )
    has_more = len(rows) > limit
    return Page(
        items=items, total=int(total), next_offset=offset + limit if has_more else None, limit=limit
    )
