"""Report rules: drafts, submission, review, amendments, optimistic concurrency (SPEC §3).

Every function takes the request's UnitOfWork, checks need-to-know through ``policy`` and
adds its audit entry; nothing here knows about HTTP.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.events.store import report_event
from sen_server.models import Report, ReportVersion, User
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.reports.common import (
    denied,
    load_for_update,
    permitted,
    readable_with_authorship,
    report_entry,
    stale,
    to_public,
    version_conflict,
)
from sen_server.reports.ids import next_report_id
from sen_server.reports.office_fields import unknown_office_errors
from sen_server.reports.search import drop_report, index_report, purge_deleted_text
from sen_server.reports.versions import (
    record_draft_edit,
    record_new_version,
    record_status,
    revised,
    snapshot,
)
from sen_server.reports.views import version_public
from sen_server.routing.recipients import manual_recipient_errors
from sen_server.routing.rules import review_rules
from sen_server.routing.service import mark_read, mark_updated, route_report
from sen_server.unit import UnitOfWork
from shared.catalogue import CATALOGUE, get_type
from shared.enums import DEFAULT_MARKING, AuditAction, EventKind, ReportAction, ReportStatus
from shared.fields import Catalogue, ReportTypeSpec, ReviewPolicy
from shared.schemas import (
    AmendRequest,
    FieldError,
    Recipients,
    ReportCreate,
    ReportPublic,
    ReportUpdate,
)
from shared.validation import changed_fields, validate_body, validate_envelope_for_submit

S = ReportStatus
ENVELOPE_FIELDS = ("title", "event_at", "priority", "case_number")


async def served_type(unit: UnitOfWork, code: str) -> ReportTypeSpec:
    """A report type as clients see it: the catalogue's definition with the review rule
    that is in force now (SPEC §3: the review table is admin-configurable)."""
    spec = get_type(code)
    return spec.model_copy(update={"review": await policy.review_policy(unit.session, code)})


async def served_catalogue(unit: UnitOfWork) -> Catalogue:
    in_force = await review_rules(unit.session)
    return Catalogue(
        types=[
            t.model_copy(update={"review": ReviewPolicy(in_force.get(t.code, t.review))})
            for t in CATALOGUE.types
        ]
    )


async def _check_body(
    unit: UnitOfWork,
    spec: ReportTypeSpec,
    body: dict[str, Any],
    *,
    for_submit: bool,
    event_at: datetime | None,
) -> dict[str, Any]:
    cleaned, errors = validate_body(spec, body, for_submit=for_submit, event_at=event_at)
    if not errors:
        errors = await unknown_office_errors(unit.session, spec, cleaned)
    if errors:
        raise validation_failed(errors)
    return cleaned


async def create_report(unit: UnitOfWork, caller: Caller, data: ReportCreate) -> ReportPublic:
    now = unit.runtime.now()
    if data.type not in policy.creatable_types(caller):
        unit_entry = AuditEntry(
            action=AuditAction.REPORT_CREATE,
            outcome="denied",
            object_type="report",
            details={"type": data.type, "reason": "type_not_permitted"},
        )
        raise ApiError(
            403,
            "type_not_permitted",
            f"Your roles may not create {data.type} reports.",
            audit=unit_entry,
        )
    spec = get_type(data.type)
    body = await _check_body(unit, spec, data.body, for_submit=False, event_at=data.event_at)
    recipients = await _checked_recipients(unit, data.type, data.recipients)
    report = Report(
        id=await next_report_id(unit.session, data.type, now.year),
        type=data.type,
        status=S.DRAFT,
        version=1,
        revision=1,
        title=data.title,
        marking=DEFAULT_MARKING,
        priority=data.priority or spec.default_priority,
        case_number=data.case_number,
        event_at=data.event_at,
        created_at=now,
        updated_at=now,
        author_id=caller.id,
        author_office_id=caller.user.office_id,
        program=caller.user.program,
        recipients=recipients,
        body=body,
    )
    unit.session.add(report)
    await unit.session.flush()
    unit.session.add(snapshot(report, caller.id, now))
    await index_report(unit.session, report)
    unit.audit(
        report_entry(AuditAction.REPORT_CREATE, report.id, type=data.type, fields=sorted(body))
    )
    return await to_public(unit, caller, report)


async def _checked_recipients(
    unit: UnitOfWork, report_type: str, recipients: Recipients | None
) -> dict[str, Any]:
    if recipients is None:
        return {}
    errors = await manual_recipient_errors(
        unit.session, report_type, recipients.users, recipients.offices
    )
    if errors:
        raise validation_failed(errors)
    return recipients.model_dump()


def _apply_envelope(report: Report, data: ReportUpdate) -> list[str]:
    changed = []
    for name in ENVELOPE_FIELDS:
        if name in data.model_fields_set:
            value = getattr(data, name)
            if getattr(report, name) != value:
                setattr(report, name, value)
                changed.append(name)
    return changed


async def update_report(
    unit: UnitOfWork, caller: Caller, report_id: str, data: ReportUpdate
) -> ReportPublic:
    report = await load_for_update(unit, caller, report_id, AuditAction.REPORT_UPDATE)
    if not policy.can_edit(caller, report):
        raise denied(AuditAction.REPORT_UPDATE, report_id, 403, "not_editable")
    if stale(report, data.base_revision):
        raise await version_conflict(unit, caller, report, AuditAction.REPORT_UPDATE)
    spec = get_type(report.type)
    changed = _apply_envelope(report, data)
    if data.body is not None or "event_at" in changed:
        # A new event time may make the stored ages disagree with the dates of birth.
        sent = data.body if data.body is not None else report.body
        body = await _check_body(unit, spec, sent, for_submit=False, event_at=report.event_at)
        changed += changed_fields(spec, report.body, body)
        report.body = body
    if data.recipients is not None:
        report.recipients = await _checked_recipients(unit, report.type, data.recipients)
        changed.append("recipients")
    now = unit.runtime.now()
    revised(report, now)
    await record_draft_edit(unit.session, report, caller.id, now)
    unit.session.add(report)
    await index_report(unit.session, report)
    unit.audit(
        report_entry(
            AuditAction.REPORT_UPDATE,
            report.id,
            fields=sorted(changed),
            version=report.version,
            revision=report.revision,
        )
    )
    return await to_public(unit, caller, report)


async def delete_report(
    unit: UnitOfWork, caller: Caller, report_id: str, base_revision: int
) -> None:
    report = await load_for_update(unit, caller, report_id, AuditAction.REPORT_DELETE)
    if not policy.can_edit(caller, report):
        raise denied(AuditAction.REPORT_DELETE, report_id, 403, "only_drafts_deleted")
    if stale(report, base_revision):
        raise await version_conflict(unit, caller, report, AuditAction.REPORT_DELETE)
    for version in (
        await unit.session.exec(select(ReportVersion).where(ReportVersion.report_id == report_id))
    ).all():
        await unit.session.delete(version)
    await drop_report(unit.session, report_id)
    await unit.session.delete(report)
    await purge_deleted_text(unit.session)
    unit.audit(report_entry(AuditAction.REPORT_DELETE, report_id, type=report.type))


def _submit_errors(spec: ReportTypeSpec, report: Report, now: datetime) -> list[FieldError]:
    _, body_errors = validate_body(spec, report.body, for_submit=True, event_at=report.event_at)
    envelope_errors = validate_envelope_for_submit(
        spec, title=report.title, event_at=report.event_at, now=now
    )
    return envelope_errors + body_errors


async def _publish(unit: UnitOfWork, caller: Caller, report: Report, now: datetime) -> None:
    """draft / in_review → submitted: stamp, flag late SIRs, route."""
    spec = get_type(report.type)
    report.status = S.SUBMITTED
    report.submitted_at = now
    report.updated_at = now  # before routing: the deliveries copy both
    report.review_comment = None
    if spec.late_after_hours is not None and report.event_at is not None:
        report.late = now - report.event_at > timedelta(hours=spec.late_after_hours)
    await route_report(unit, report)


async def submit_report(
    unit: UnitOfWork, caller: Caller, report_id: str, base_revision: int, *, review: bool
) -> ReportPublic:
    """Submit directly, or (review=True) ask a supervisor to review first."""
    action = AuditAction.REPORT_REQUEST_REVIEW if review else AuditAction.REPORT_SUBMIT
    report = await load_for_update(unit, caller, report_id, action)
    if not policy.can_edit(caller, report):
        raise denied(action, report_id, 403, "not_a_draft")
    if stale(report, base_revision):
        raise await version_conflict(unit, caller, report, action)
    spec = get_type(report.type)
    wanted = ReportAction.REQUEST_REVIEW if review else ReportAction.SUBMIT
    if wanted not in await permitted(unit, caller, report):
        raise _send_refused(report, action, review=review)
    now = unit.runtime.now()
    errors = _submit_errors(spec, report, now)
    if errors:
        raise validation_failed(
            errors, "The report is not complete: " + ", ".join(e.field for e in errors[:10])
        )
    if review:
        report.status = S.IN_REVIEW
        report.review_comment = None
        unit.emit(report_event(EventKind.REPORT_REVIEW_REQUESTED, report))
    else:
        await _publish(unit, caller, report, now)
    revised(report, now)
    await record_status(unit.session, report)
    unit.session.add(report)
    unit.audit(report_entry(action, report.id, version=report.version, late=report.late))
    return await to_public(unit, caller, report)


def _send_refused(report: Report, action: str, *, review: bool) -> ApiError:
    """A draft sent the way its type's review rule does not allow (SPEC §3)."""
    if review:
        return ApiError(
            409,
            "review_not_available",
            f"{report.type} reports are not reviewed: submit instead.",
            audit=report_entry(action, report.id, "denied", reason="review_not_available"),
        )
    return ApiError(
        409,
        "review_required",
        f"{report.type} reports must be reviewed by a supervisor: request review instead.",
        audit=report_entry(action, report.id, "denied", reason="review_required"),
    )


async def decide_review(
    unit: UnitOfWork,
    caller: Caller,
    report_id: str,
    base_revision: int,
    *,
    approve: bool,
    comment: str | None,
) -> ReportPublic:
    action = AuditAction.REPORT_APPROVE if approve else AuditAction.REPORT_RETURN
    report = await load_for_update(unit, caller, report_id, action)
    if ReportAction.APPROVE not in await permitted(unit, caller, report):
        raise denied(action, report_id, 403, "not_your_review")
    if stale(report, base_revision):
        raise await version_conflict(unit, caller, report, action)
    now = unit.runtime.now()
    if approve:
        unit.emit(report_event(EventKind.REPORT_APPROVED, report))
        await _publish(unit, caller, report, now)
    else:
        if not comment or not comment.strip():
            raise validation_failed(
                [FieldError(field="comment", message="say what needs changing")]
            )
        report.status = S.RETURNED
        report.review_comment = comment.strip()
        unit.emit(report_event(EventKind.REPORT_RETURNED, report))
    revised(report, now)
    await record_status(unit.session, report)
    unit.session.add(report)
    unit.audit(report_entry(action, report.id, version=report.version))
    return await to_public(unit, caller, report)


async def amend_report(
    unit: UnitOfWork, caller: Caller, report_id: str, data: AmendRequest
) -> ReportPublic:
    report = await load_for_update(unit, caller, report_id, AuditAction.REPORT_AMEND)
    if not policy.can_amend(caller, report):
        raise denied(AuditAction.REPORT_AMEND, report_id, 403, "not_amendable")
    if stale(report, data.base_revision):
        raise await version_conflict(unit, caller, report, AuditAction.REPORT_AMEND)
    spec = get_type(report.type)
    changed = _apply_envelope(report, data)
    if data.body is not None:
        body = await _check_body(unit, spec, data.body, for_submit=True, event_at=report.event_at)
        changed += changed_fields(spec, report.body, body)
        report.body = body
    now = unit.runtime.now()
    errors = _submit_errors(spec, report, now)
    if errors:
        raise validation_failed(errors)
    revised(report, now)
    record_new_version(unit.session, report, caller.id, now, data.reason)
    unit.session.add(report)
    await index_report(unit.session, report)
    await mark_updated(unit, report)
    unit.audit(
        report_entry(
            AuditAction.REPORT_AMEND, report.id, fields=sorted(changed), version=report.version
        )
    )
    return await to_public(unit, caller, report)


async def view_report(unit: UnitOfWork, caller: Caller, report_id: str) -> ReportPublic:
    found = await readable_with_authorship(unit, caller, report_id)
    if found is None:
        raise denied(AuditAction.REPORT_VIEW, report_id)
    report, author = found
    facts = await policy.action_facts(unit.session, caller, report)
    if facts.unread:
        # Only a delivery that changes is written: re-opening a report costs no write.
        now = unit.runtime.now()
        await unit.write(lambda session: mark_read(session, report.id, caller.id, now))
    public = await to_public(unit, caller, report, facts, author)
    unit.audit(
        report_entry(
            AuditAction.REPORT_VIEW, report.id, version=report.version, masked=public.masked
        )
    )
    return public


async def report_versions(unit: UnitOfWork, caller: Caller, report_id: str) -> list[Any]:
    report = await policy.readable_report(unit.session, caller, report_id)
    if report is None:
        raise denied(AuditAction.REPORT_VERSIONS, report_id)
    rows = (
        await unit.session.exec(
            select(ReportVersion, User.username)
            .join(User, col(User.id) == col(ReportVersion.changed_by_id))
            .where(ReportVersion.report_id == report_id)
            .order_by(col(ReportVersion.version))
        )
    ).all()
    masked = policy.must_mask(caller, report)
    unit.audit(report_entry(AuditAction.REPORT_VERSIONS, report.id, versions=len(rows)))
    return [version_public(v, report.type, name, masked=masked) for v, name in rows]
