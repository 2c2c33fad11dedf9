"""What happens to a submitted report: acknowledgments, LEARA dispositions, closing,
and comparing versions (SPEC §3, §4)."""

from typing import Any

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.events.store import report_event
from sen_server.models import Delivery, Office, ReportVersion, User
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.reports.common import (
    denied,
    load_for_update,
    permitted,
    stale,
    to_public,
    version_conflict,
)
from sen_server.reports.search import index_report
from sen_server.reports.versions import record_new_version, record_status, revised
from sen_server.routing.service import mark_updated, my_delivery, sync_delivery_keys
from sen_server.unit import UnitOfWork
from shared.catalogue import get_type
from shared.diff import differences
from shared.enums import AuditAction, DeliveryState, EventKind, ReportAction, ReportStatus
from shared.schemas import (
    DeliveryPublic,
    DispositionUpdate,
    FieldError,
    ReportPublic,
    VersionComparison,
)
from shared.validation import mask_pii, validate_body

S = ReportStatus


def report_entry(action: str, report_id: str, **details: Any) -> AuditEntry:
    return AuditEntry(action=action, object_type="report", object_id=report_id, details=details)


def report_entry_denied(action: str, report_id: str, reason: str) -> AuditEntry:
    return AuditEntry(
        action=action,
        outcome="denied",
        object_type="report",
        object_id=report_id,
        details={"reason": reason},
    )


async def acknowledge(unit: UnitOfWork, caller: Caller, report_id: str) -> DeliveryPublic:
    report = await load_for_update(unit, caller, report_id, AuditAction.REPORT_ACKNOWLEDGE)
    delivery = await my_delivery(unit, report_id, caller.id)
    if delivery is None:
        raise denied(AuditAction.REPORT_ACKNOWLEDGE, report_id, 403, "not_a_recipient")
    if ReportAction.ACKNOWLEDGE not in await permitted(unit, caller, report):
        raise ApiError(
            409,
            "already_acknowledged",
            f"You acknowledged {report_id} already.",
            audit=report_entry_denied(
                AuditAction.REPORT_ACKNOWLEDGE, report_id, "already_acknowledged"
            ),
        )
    now = unit.runtime.now()
    delivery.state = DeliveryState.ACKNOWLEDGED
    delivery.acknowledged_at = now
    delivery.read_at = delivery.read_at or now
    delivery.updated = False
    unit.session.add(delivery)
    unit.emit(report_event(EventKind.REPORT_ACKNOWLEDGED, report))
    unit.audit(report_entry(AuditAction.REPORT_ACKNOWLEDGE, report_id))
    rows = await _delivery_rows(unit, report_id, only_user=caller.id)
    return rows[0]


async def _delivery_rows(
    unit: UnitOfWork, report_id: str, only_user: int | None = None
) -> list[DeliveryPublic]:
    statement = (
        select(Delivery, User, Office.code)
        .join(User, col(User.id) == col(Delivery.user_id))
        .outerjoin(Office, col(Office.id) == col(User.office_id))
        .where(col(Delivery.report_id) == report_id)
        .order_by(col(Delivery.id))
    )
    if only_user is not None:
        statement = statement.where(col(Delivery.user_id) == only_user)
    return [
        DeliveryPublic(
            recipient=user.username,
            recipient_name=user.display_name,
            office=office,
            reason=delivery.reason,
            state=delivery.state,
            updated=delivery.updated,
            created_at=delivery.created_at,
            read_at=delivery.read_at,
            acknowledged_at=delivery.acknowledged_at,
        )
        for delivery, user, office in (await unit.session.exec(statement)).all()
    ]


async def routing_status(unit: UnitOfWork, caller: Caller, report_id: str) -> list[DeliveryPublic]:
    report = await policy.readable_report(unit.session, caller, report_id)
    if report is None:
        raise denied(AuditAction.REPORT_ROUTING, report_id)
    rows = await _delivery_rows(unit, report_id)
    unit.audit(report_entry(AuditAction.REPORT_ROUTING, report_id, recipients=len(rows)))
    return rows


async def close_report(
    unit: UnitOfWork, caller: Caller, report_id: str, base_revision: int
) -> ReportPublic:
    report = await load_for_update(unit, caller, report_id, AuditAction.REPORT_CLOSE)
    if ReportAction.CLOSE not in await permitted(unit, caller, report):
        raise denied(AuditAction.REPORT_CLOSE, report_id, 403, "not_closable")
    if stale(report, base_revision):
        raise await version_conflict(unit, caller, report, AuditAction.REPORT_CLOSE)
    now = unit.runtime.now()
    report.status = S.CLOSED
    revised(report, now)
    await record_status(unit.session, report)
    unit.session.add(report)
    await sync_delivery_keys(unit, report)
    unit.emit(report_event(EventKind.REPORT_UPDATED, report))
    unit.audit(report_entry(AuditAction.REPORT_CLOSE, report_id, version=report.version))
    return await to_public(unit, caller, report)


async def update_disposition(
    unit: UnitOfWork, caller: Caller, report_id: str, data: DispositionUpdate
) -> ReportPublic:
    """A LEARA disposition change is an amendment: a new version with a reason."""
    report = await load_for_update(unit, caller, report_id, AuditAction.REPORT_DISPOSITION)
    if ReportAction.DISPOSITION not in await permitted(unit, caller, report):
        raise denied(AuditAction.REPORT_DISPOSITION, report_id, 403, "not_allowed")
    if stale(report, data.base_revision):
        raise await version_conflict(unit, caller, report, AuditAction.REPORT_DISPOSITION)
    body = dict(report.body)
    body["disposition_status"] = data.disposition_status
    if data.disposition_narrative is not None:
        body["disposition_narrative"] = data.disposition_narrative
    if data.completed_at is not None:
        body["completed_at"] = data.completed_at.isoformat()
    cleaned, errors = validate_body(
        get_type(report.type), body, for_submit=True, event_at=report.event_at
    )
    if errors:
        raise validation_failed(errors)
    now = unit.runtime.now()
    report.body = cleaned
    revised(report, now)
    reason = f"disposition: {data.disposition_status}"
    record_new_version(unit.session, report, caller.id, now, reason)
    unit.session.add(report)
    await index_report(unit.session, report)
    await mark_updated(unit, report)
    unit.audit(
        report_entry(AuditAction.REPORT_DISPOSITION, report_id, status=data.disposition_status)
    )
    return await to_public(unit, caller, report)


def _comparable(version: ReportVersion) -> dict[str, Any]:
    return {"title": version.title, **version.envelope, "body": version.body}


async def compare_versions(
    unit: UnitOfWork, caller: Caller, report_id: str, from_version: int, to_version: int
) -> VersionComparison:
    report = await policy.readable_report(unit.session, caller, report_id)
    if report is None:
        raise denied(AuditAction.REPORT_COMPARE, report_id)
    rows = {
        v.version: v
        for v in (
            await unit.session.exec(
                select(ReportVersion).where(
                    col(ReportVersion.report_id) == report_id,
                    col(ReportVersion.version).in_([from_version, to_version]),
                )
            )
        ).all()
    }
    missing = [n for n in (from_version, to_version) if n not in rows]
    if missing:
        raise ApiError(
            404,
            "not_found",
            f"No version {missing[0]} of {report_id}.",
            errors=[
                FieldError(
                    field="from_version" if missing[0] == from_version else "to_version",
                    message="no such version",
                )
            ],
        )
    old, new = rows[from_version], rows[to_version]
    if policy.must_mask(caller, report):
        spec = get_type(report.type)
        old = old.model_copy(update={"body": mask_pii(spec, old.body)})
        new = new.model_copy(update={"body": mask_pii(spec, new.body)})
    unit.audit(
        report_entry(AuditAction.REPORT_COMPARE, report_id, versions=[from_version, to_version])
    )
    return VersionComparison(
        report_id=report_id,
        from_version=from_version,
        to_version=to_version,
        differences=differences(_comparable(old), _comparable(new)),
    )
