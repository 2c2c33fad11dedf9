"""Lead triage (SPEC §6): ``new`` -> ``reviewed`` -> ``flagged_for_hsi`` | ``no_action``,
moved by ``intel_ops`` with an optional note. Each move is a numbered row of the lead's
triage history (its versions), audited (the note's presence, never its words) and announced
as a live event that only intel users receive."""

from sqlalchemy import func
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError
from sen_server.events.store import EventDraft
from sen_server.intel import policy as intel_policy
from sen_server.intel.models import TriageChange
from sen_server.models import Report
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.reports.common import denied
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, EventKind, ObjectType, ReportStatus, ReportType
from shared.intel import (
    TRIAGE_MOVES,
    LeadListPublic,
    LeadPublic,
    TriageChangePublic,
    TriageState,
    TriageUpdate,
)

PUBLISHED = (ReportStatus.SUBMITTED, ReportStatus.CLOSED)
TRIAGE = func.coalesce(col(Report.triage_status), TriageState.NEW.value)


def state_of(report: Report) -> TriageState:
    return TriageState(report.triage_status or TriageState.NEW)


def moves_for(caller: Caller, state: TriageState) -> list[TriageState]:
    if not intel_policy.may_triage(caller):
        return []
    return sorted(TRIAGE_MOVES[state])


async def _load_lead(unit: UnitOfWork, caller: Caller, report_id: str, action: str) -> Report:
    report = await policy.readable_report(unit.session, caller, report_id)
    if report is None or report.type != ReportType.ERO_LEAD or report.status not in PUBLISHED:
        raise denied(action, report_id)
    return report


async def triage_lead(
    unit: UnitOfWork, caller: Caller, report_id: str, data: TriageUpdate
) -> TriageChangePublic:
    action = AuditAction.LEAD_TRIAGE
    report = await _load_lead(unit, caller, report_id, action)
    await unit.session.refresh(report, with_for_update=True)  # one move at a time
    current = state_of(report)
    if data.state not in TRIAGE_MOVES[current]:
        allowed = ", ".join(sorted(TRIAGE_MOVES[current])) or "none (triage is finished)"
        raise ApiError(
            409,
            "triage_state",
            f"{report_id} is {current.value}; it can move to: {allowed}.",
            extra={"current": current.value},
        )
    version = (
        await unit.session.exec(
            select(func.count()).where(col(TriageChange.report_id) == report_id)
        )
    ).one() + 1
    now = unit.runtime.now()
    change = TriageChange(
        report_id=report_id,
        version=version,
        from_state=current,
        to_state=data.state,
        note=data.note.strip(),
        by=caller.user.username,
        at=now,
    )
    unit.session.add(change)
    report.triage_status = data.state
    unit.session.add(report)
    unit.audit(
        AuditEntry(
            action=action,
            object_type=ObjectType.REPORT,
            object_id=report_id,
            details={
                "from": current.value,
                "to": data.state.value,
                "version": version,
                "note": bool(change.note),
            },
        )
    )
    kind = (
        EventKind.LEAD_FLAGGED_FOR_HSI
        if data.state == TriageState.FLAGGED_FOR_HSI
        else EventKind.LEAD_TRIAGED
    )
    unit.emit(EventDraft(kind, ObjectType.INTEL_LEAD, report_id, report_id, report.type))
    return _change_public(change)


def _change_public(change: TriageChange) -> TriageChangePublic:
    return TriageChangePublic(
        report_id=change.report_id,
        version=change.version,
        from_state=TriageState(change.from_state),
        to_state=TriageState(change.to_state),
        note=change.note,
        by=change.by,
        at=change.at,
    )


async def triage_history(
    unit: UnitOfWork, caller: Caller, report_id: str
) -> list[TriageChangePublic]:
    await _load_lead(unit, caller, report_id, AuditAction.LEAD_TRIAGE_HISTORY)
    rows = await unit.session.exec(
        select(TriageChange)
        .where(col(TriageChange.report_id) == report_id)
        .order_by(col(TriageChange.version))
    )
    unit.audit(
        AuditEntry(
            action=AuditAction.LEAD_TRIAGE_HISTORY,
            object_type=ObjectType.REPORT,
            object_id=report_id,
        )
    )
    return [_change_public(c) for c in rows.all()]


async def list_leads(
    unit: UnitOfWork,
    caller: Caller,
    state: TriageState | None,
    offset: int,
    limit: int,
) -> LeadListPublic:
    """The leads the caller may read (intel_ops: all; hsi_intel: flagged for HSI), newest
    first, with counts per triage state. One audit record names the leads shown."""
    facts = await policy.reader_facts(unit.session, caller)
    readable = policy.read_condition(caller, facts)
    leads = [
        col(Report.type) == ReportType.ERO_LEAD,
        col(Report.status).in_(PUBLISHED),
        readable,
    ]
    count_rows = await unit.session.exec(
        select(TRIAGE, func.count()).where(*leads).group_by(TRIAGE)
    )
    counts = {s.value: 0 for s in TriageState}
    for name, count in count_rows.all():
        counts[str(name)] = int(count)
    statement = select(Report).where(*leads)
    if state is not None:
        statement = statement.where(state.value == TRIAGE)
    statement = statement.order_by(col(Report.submitted_at).desc(), col(Report.id).desc())
    reports = (await unit.session.exec(statement.offset(offset).limit(limit))).all()
    items = [
        LeadPublic(
            report_id=r.id,
            title=r.title,
            priority=r.priority,
            submitted_at=r.submitted_at,
            triage_state=state_of(r),
            allowed_moves=moves_for(caller, state_of(r)),
        )
        for r in reports
    ]
    unit.audit(
        AuditEntry(
            action=AuditAction.LEAD_LIST,
            object_type=ObjectType.QUEUE,
            object_id="intel_leads",
            details={
                "state": state.value if state else None,
                "report_ids": [i.report_id for i in items],
            },
        )
    )
    return LeadListPublic(items=items, counts=counts)
