"""Pieces every report action shares: loading under need-to-know with a row lock,
audited refusals, conflicting writes, and the reader's view."""

from typing import Any

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError
from sen_server.models import Office, Report, User
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.reports.views import Authorship, report_public
from sen_server.unit import UnitOfWork
from shared.enums import ReportAction
from shared.schemas import ReportPublic


def report_entry(
    action: str, report_id: str, outcome: str = "success", **details: Any
) -> AuditEntry:
    return AuditEntry(
        action=action,
        outcome=outcome,
        object_type="report",
        object_id=report_id,
        details=details,
    )


def denied(action: str, report_id: str, status: int = 404, reason: str = "not_found") -> ApiError:
    """A refusal, audited. Reports the caller may not read answer 404 so IDs don't leak."""
    detail = "No such report." if status == 404 else "You may not do that to this report."
    return ApiError(
        status, reason, detail, audit=report_entry(action, report_id, "denied", reason=reason)
    )


async def load_for_update(unit: UnitOfWork, caller: Caller, report_id: str, action: str) -> Report:
    report = await policy.readable_report(unit.session, caller, report_id)
    if report is None:
        raise denied(action, report_id)
    # Lock the row for the rest of the transaction (PostgreSQL runs Read Committed).
    await unit.session.refresh(report, with_for_update=True)
    return report


_WITH_AUTHORSHIP = policy.report_statement(
    col(User.username), col(User.display_name), col(Office.code)
).outerjoin(Office, col(Office.id) == col(Report.author_office_id))


async def readable_with_authorship(
    unit: UnitOfWork, caller: Caller, report_id: str
) -> tuple[Report, Authorship] | None:
    """The report if the caller may read it, with its authorship read in the same statement
    (a report's view needs both: one statement fewer for every report opened)."""
    row = await policy.readable_row(unit.session, caller, _WITH_AUTHORSHIP, report_id)
    if row is None:
        return None
    username, name, office = row[2:]
    return row[0], Authorship(username, name, office) if username is not None else Authorship()


async def to_public(
    unit: UnitOfWork,
    caller: Caller,
    report: Report,
    facts: policy.ActionFacts | None = None,
    author: Authorship | None = None,
) -> ReportPublic:
    """The reader's view; ``facts`` and ``author`` when the caller has looked them up."""
    facts = facts or await policy.action_facts(unit.session, caller, report)
    return report_public(
        report,
        author or await authorship(unit, report),
        masked=policy.must_mask(caller, report),
        allowed=policy.allowed_actions(caller, report, facts),
    )


async def authorship(unit: UnitOfWork, report: Report) -> Authorship:
    """The author's name and the office the report was written in: one statement, and
    three columns rather than two whole rows (an account row carries its password hash)."""
    statement = (
        select(col(User.username), col(User.display_name), col(Office.code))
        .select_from(User)
        .outerjoin(Office, col(Office.id) == report.author_office_id)
        .where(col(User.id) == report.author_id)
    )
    row = (await unit.session.exec(statement)).first()
    return Authorship(*row) if row is not None else Authorship()


async def permitted(unit: UnitOfWork, caller: Caller, report: Report) -> frozenset[ReportAction]:
    """What the caller may do to the report now: what handlers enforce and clients show."""
    facts = await policy.action_facts(unit.session, caller, report)
    return policy.allowed_actions(caller, report, facts)


def stale(report: Report, base_revision: int) -> bool:
    """Whether a write was based on an older revision than the report's."""
    return report.revision != base_revision


async def version_conflict(
    unit: UnitOfWork, caller: Caller, report: Report, action: str
) -> ApiError:
    current = await to_public(unit, caller, report)
    return ApiError(
        409,
        "version_conflict",
        f"{report.id} changed since you loaded it (now version {report.version}). "
        "Your changes were not saved; compare them with the current version.",
        extra={"current": current.model_dump(mode="json")},
        audit=report_entry(action, report.id, "failure", reason="version_conflict"),
    )
