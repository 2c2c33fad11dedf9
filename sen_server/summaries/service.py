"""IROC summaries (SPEC §5): pick reports, draft a paragraph per report from its non-PII
fields, edit, pick distribution lists, send through the outbox. A summary is a draft until
sent and immutable afterwards. Audit records name reports and addresses, never content."""

from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, not_found, validation_failed
from sen_server.events.store import EventDraft
from sen_server.models import Office, Report
from sen_server.principal import Caller
from sen_server.reports import policy as report_policy
from sen_server.summaries import delivery, views
from sen_server.summaries.email import message_id_for
from sen_server.summaries.lists import all_lists, list_ref
from sen_server.summaries.models import DistributionList, Summary
from sen_server.summaries.paragraphs import draft_paragraph
from sen_server.summaries.policy import may_edit, may_read
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, EventKind, ObjectType, ReportStatus, ReportType
from shared.schemas import FieldError
from shared.summaries import (
    PARAGRAPH_MAX,
    DistributionListRef,
    Paragraph,
    SummaryCandidate,
    SummaryCreate,
    SummaryListItem,
    SummaryPublic,
    SummarySend,
    SummaryUpdate,
)

SUMMARISED_TYPES = frozenset(report_policy.IROC_TYPES)
PUBLISHED = (ReportStatus.SUBMITTED, ReportStatus.CLOSED)


# ---- the picker ---------------------------------------------------------------------


async def candidates(unit: UnitOfWork, caller: Caller, hours: int) -> list[SummaryCandidate]:
    """IROC reports submitted in the last ``hours``, newest first; every type but SPEAR is
    in the default selection."""
    session = unit.session
    facts = await report_policy.reader_facts(session, caller)
    since = unit.runtime.now() - timedelta(hours=hours)
    statement = (
        select(Report)
        .where(
            col(Report.type).in_(SUMMARISED_TYPES),
            col(Report.status).in_(PUBLISHED),
            col(Report.submitted_at) >= since,
            report_policy.read_condition(caller, facts),
        )
        .order_by(col(Report.submitted_at).desc(), col(Report.id).desc())
        .limit(500)
    )
    rows = (await session.exec(statement)).all()
    unit.audit(AuditEntry(action=AuditAction.SUMMARY_CANDIDATES, details={"hours": hours}))
    return [
        SummaryCandidate(
            id=r.id,
            type=ReportType(r.type),
            title=r.title,
            case_number=r.case_number,
            submitted_at=r.submitted_at,
            default=r.type != ReportType.SPEAR,
            needs_confirmation=r.type == ReportType.SPEAR,
            summary_id=r.summary_id,
        )
        for r in rows
    ]


# ---- drafts -------------------------------------------------------------------------


async def _reports_to_cite(unit: UnitOfWork, caller: Caller, data: SummaryCreate) -> list[Report]:
    if not data.report_ids:
        raise validation_failed([FieldError(field="report_ids", message="pick at least one")])
    wanted = list(dict.fromkeys(data.report_ids))
    readable = await report_policy.readable_report_ids(unit.session, caller, set(wanted))
    rows = {
        r.id: r
        for r in (await unit.session.exec(select(Report).where(col(Report.id).in_(readable))))
    }
    errors: list[FieldError] = []
    for index, report_id in enumerate(wanted):
        report = rows.get(report_id)
        if report is None or report.type not in SUMMARISED_TYPES or report.status not in PUBLISHED:
            # One answer for "no such report" and "not yours to read": IDs do not leak.
            problem = "is not a submitted report you may summarise"
            errors.append(FieldError(field=f"report_ids.{index}", message=problem))
        elif report.type == ReportType.SPEAR and report_id not in data.spear_confirmed:
            errors.append(
                FieldError(
                    field="spear_confirmed",
                    label="SPEAR confirmation",
                    message=f"is needed to add {report_id} (IROC does not usually summarise "
                    "planned operations)",
                )
            )
    if errors:
        raise validation_failed(errors)
    return [rows[i] for i in wanted]


async def _lists(unit: UnitOfWork, list_ids: list[int]) -> list[DistributionList]:
    wanted = list(dict.fromkeys(list_ids))
    found = {
        row.id: row
        for row in await unit.session.exec(
            select(DistributionList).where(col(DistributionList.id).in_(wanted))
        )
    }
    errors = [
        FieldError(
            field=f"list_ids.{i}", label=f"Distribution list {i + 1}", message="does not exist"
        )
        for i, list_id in enumerate(wanted)
        if list_id not in found or found[list_id].retired
    ]
    if errors:
        raise validation_failed(errors)
    return [found[i] for i in wanted]


async def _office_codes(unit: UnitOfWork, reports: list[Report]) -> dict[int, str]:
    ids = {r.author_office_id for r in reports if r.author_office_id is not None}
    if not ids:
        return {}
    rows = await unit.session.exec(select(Office.id, Office.code).where(col(Office.id).in_(ids)))
    return {int(i): code for i, code in rows if i is not None}


def _audit(unit: UnitOfWork, action: AuditAction, summary: Summary, **extra: Any) -> None:
    unit.audit(
        AuditEntry(
            action=action,
            object_type=ObjectType.SUMMARY,
            object_id=str(summary.id),
            details={"reports": [c["report_id"] for c in summary.citations], **extra},
        )
    )


async def create_summary(unit: UnitOfWork, caller: Caller, data: SummaryCreate) -> SummaryPublic:
    reports = await _reports_to_cite(unit, caller, data)
    lists = await _lists(unit, data.list_ids)
    offices = await _office_codes(unit, reports)
    now = unit.runtime.now()
    summary = Summary(
        author_id=caller.id,
        paragraphs=[
            {"report_id": r.id, "text": draft_paragraph(r, offices.get(r.author_office_id or 0))}
            for r in reports
        ],
        citations=[
            {"report_id": r.id, "type": r.type, "case_number": r.case_number} for r in reports
        ],
        list_ids=[row.id for row in lists if row.id is not None],
        spear_confirmed=[r.id for r in reports if r.type == ReportType.SPEAR],
        created_at=now,
        updated_at=now,
    )
    unit.session.add(summary)
    await unit.session.flush()
    _audit(
        unit,
        AuditAction.SUMMARY_CREATE,
        summary,
        spear_confirmed=summary.spear_confirmed,
        lists=[row.name for row in lists],
    )
    return await views.summary_public(unit, summary)


async def _load(unit: UnitOfWork, caller: Caller, summary_id: int, *, lock: bool) -> Summary:
    summary = await unit.session.get(Summary, summary_id, with_for_update=lock)
    if summary is None or not may_read(caller, summary):
        raise not_found("summary")
    return summary


def _check_revision(summary: Summary, base_revision: int) -> None:
    if summary.revision != base_revision:
        raise ApiError(
            409,
            "version_conflict",
            "The summary changed since you opened it.",
            extra={"current_revision": summary.revision},
        )


def _editable(caller: Caller, summary: Summary) -> None:
    if not may_edit(caller, summary):
        raise ApiError(409, "summary_sent", "A sent summary cannot be changed.")


def _check_paragraphs(summary: Summary, paragraphs: list[Paragraph]) -> list[dict[str, Any]]:
    cited = {c["report_id"] for c in summary.citations}
    errors: list[FieldError] = []
    for i, paragraph in enumerate(paragraphs):
        label = f"Paragraph {i + 1}"
        if paragraph.report_id not in cited:
            errors.append(
                FieldError(
                    field=f"paragraphs.{i}.report_id",
                    label=label,
                    message="cites no report of this summary",
                )
            )
        text = paragraph.text.strip()
        if not text:
            errors.append(FieldError(field=f"paragraphs.{i}.text", label=label, message="is empty"))
        elif len(text) > PARAGRAPH_MAX:
            errors.append(
                FieldError(
                    field=f"paragraphs.{i}.text",
                    label=label,
                    message=f"is longer than {PARAGRAPH_MAX} characters",
                )
            )
    if not paragraphs:
        errors.append(FieldError(field="paragraphs", message="must keep at least one report"))
    if errors:
        raise validation_failed(errors)
    return [{"report_id": p.report_id, "text": p.text.strip()} for p in paragraphs]


async def update_summary(
    unit: UnitOfWork, caller: Caller, summary_id: int, data: SummaryUpdate
) -> SummaryPublic:
    summary = await _load(unit, caller, summary_id, lock=True)
    _editable(caller, summary)
    _check_revision(summary, data.base_revision)
    if data.paragraphs is not None:
        summary.paragraphs = _check_paragraphs(summary, data.paragraphs)
        kept = {p["report_id"] for p in summary.paragraphs}
        # A report whose paragraph was dropped is no longer cited.
        summary.citations = [c for c in summary.citations if c["report_id"] in kept]
    if data.list_ids is not None:
        summary.list_ids = [row.id for row in await _lists(unit, data.list_ids) if row.id]
    summary.revision += 1
    summary.updated_at = unit.runtime.now()
    unit.session.add(summary)
    _audit(unit, AuditAction.SUMMARY_UPDATE, summary, lists=summary.list_ids)
    return await views.summary_public(unit, summary)


async def send_summary(
    unit: UnitOfWork, caller: Caller, summary_id: int, data: SummarySend
) -> SummaryPublic:
    summary = await _load(unit, caller, summary_id, lock=True)
    _editable(caller, summary)
    _check_revision(summary, data.base_revision)
    if not summary.list_ids:
        raise validation_failed(
            [FieldError(field="list_ids", label="Distribution lists", message="pick at least one")]
        )
    lists = await _lists(unit, summary.list_ids)
    recipients = list(dict.fromkeys(a for row in lists for a in row.addresses))
    if not recipients:
        raise validation_failed(
            [FieldError(field="list_ids", label="Distribution lists", message="hold no address")]
        )
    now = unit.runtime.now()
    summary.state, summary.sent_at, summary.recipients = "sent", now, recipients
    summary.message_id = message_id_for(
        summary.id or 0, int(now.timestamp()), unit.runtime.settings.smtp_from
    )
    summary.revision += 1
    summary.updated_at = now
    unit.session.add(summary)
    cited = [c["report_id"] for c in summary.citations]
    for report in await unit.session.exec(select(Report).where(col(Report.id).in_(cited))):
        report.summarised_at, report.summary_id = now, summary.id
        unit.session.add(report)
    unit.enqueue(delivery.KIND, {"summary_id": summary.id}, subject=delivery.subject_of(summary_id))
    _audit(
        unit,
        AuditAction.SUMMARY_SEND,
        summary,
        recipients=recipients,
        message_id=summary.message_id,
    )
    unit.emit(EventDraft(EventKind.SUMMARY_SENT, ObjectType.SUMMARY, str(summary.id)))
    return await views.summary_public(unit, summary)


async def retry_summary(unit: UnitOfWork, caller: Caller, summary_id: int) -> SummaryPublic:
    """A failed delivery goes out again as a new outbox message (the failed one is kept)."""
    summary = await _load(unit, caller, summary_id, lock=True)
    latest = (await views.latest_deliveries(unit, [summary_id])).get(summary_id)
    if summary.state != "sent" or latest is None or latest.state != "failed":
        raise ApiError(409, "not_failed", "Only a summary whose delivery failed can be retried.")
    unit.enqueue(delivery.KIND, {"summary_id": summary.id}, subject=delivery.subject_of(summary_id))
    _audit(unit, AuditAction.SUMMARY_RETRY, summary, previous_error=latest.last_error)
    return await views.summary_public(unit, summary, pending_retry=True)


# ---- reading ------------------------------------------------------------------------


async def read_summary(unit: UnitOfWork, caller: Caller, summary_id: int) -> SummaryPublic:
    summary = await _load(unit, caller, summary_id, lock=False)
    _audit(unit, AuditAction.SUMMARY_VIEW, summary)
    return await views.summary_public(unit, summary)


async def list_summaries(
    unit: UnitOfWork, caller: Caller, limit: int = 100
) -> list[SummaryListItem]:
    """Sent summaries and the caller's drafts, newest first."""
    statement = (
        select(Summary)
        .where((col(Summary.state) == "sent") | (col(Summary.author_id) == caller.id))
        .order_by(func.coalesce(col(Summary.sent_at), col(Summary.created_at)).desc())
        .limit(limit)
    )
    rows = list((await unit.session.exec(statement)).all())
    messages = await views.latest_deliveries(unit, [s.id for s in rows if s.id is not None])
    names = await views.usernames(unit, {s.author_id for s in rows})
    unit.audit(AuditEntry(action=AuditAction.SUMMARY_LIST, details={"count": len(rows)}))
    items = []
    for s in rows:
        status, error = views.delivery_status(s, messages.get(s.id or 0))
        items.append(
            SummaryListItem(
                id=s.id or 0,
                state=s.state,
                author=names.get(s.author_id, ""),
                reports=len(s.citations),
                created_at=s.created_at,
                sent_at=s.sent_at,
                recipients=len(s.recipients),
                delivery=status,
                delivery_error=error,
            )
        )
    return items


async def offered_lists(unit: UnitOfWork) -> list[DistributionListRef]:
    """The lists the composer offers (not retired)."""
    return [list_ref(row) for row in await all_lists(unit.session, retired=False)]
