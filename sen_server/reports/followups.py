"""What happens to a submitted report: acknowledgments, LEARA dispositions, closing,
and comparing versions (SPEC §3, §4)."""

from typing import Any

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.caller import Caller
from sen_server.errors import ApiError, validation_failed
from sen_server.events.store import report_event
from sen_server.models import Delivery, Office, Report, ReportVersion, User
from sen_server.reports import policy
from sen_server.reports.common import denied, load_for_update, snapshot, to_public, version_conflict
from sen_server.reports.search import index_report
from sen_server.routing.service import mark_updated, my_delivery
from sen_server.unit import UnitOfWork
from shared.catalogue import get_type
from shared.enums import ReportStatus, ReportType, Role
from shared.schemas import (
    DeliveryPublic,
    DispositionUpdate,
    FieldDifference,
    FieldError,
    ReportPublic,
    VersionComparison,
)
from shared.validation import mask_pii, validate_body

S = ReportStatus


def report_entry(action: str, report_id: str, **details: Any) -> AuditEntry:
    return AuditEntry(action=action, object_type="report", object_id=report_id, details=details)


async def acknowledge(unit: UnitOfWork, caller: Caller, report_id: str) -> DeliveryPublic:
    report = await load_for_update(unit, caller, report_id, "report.acknowledge")
    delivery = await my_delivery(unit, report_id, caller.id)
    if delivery is None:
        raise denied("report.acknowledge", report_id, 403, "not_a_recipient")
    now = unit.runtime.now()
    if delivery.state != "acknowledged":
        delivery.state = "acknowledged"
        delivery.acknowledged_at = now
        delivery.read_at = delivery.read_at or now
        delivery.updated = False
        unit.session.add(delivery)
        unit.emit(report_event("report.acknowledged", report))
    unit.audit(report_entry("report.acknowledge", report_id))
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
        raise denied("report.routing", report_id)
    rows = await _delivery_rows(unit, report_id)
    unit.audit(report_entry("report.routing", report_id, recipients=len(rows)))
    return rows


async def _may_follow_up(unit: UnitOfWork, caller: Caller, report: Report) -> bool:
    """The author, or an office manager the report was routed to."""
    if report.author_id == caller.id:
        return True
    return (
        caller.has(Role.OFFICE_MANAGER)
        and await my_delivery(unit, report.id, caller.id) is not None
    )


async def close_report(
    unit: UnitOfWork, caller: Caller, report_id: str, base_version: int
) -> ReportPublic:
    report = await load_for_update(unit, caller, report_id, "report.close")
    if report.status != S.SUBMITTED or not await _may_follow_up(unit, caller, report):
        raise denied("report.close", report_id, 403, "not_closable")
    if report.version != base_version:
        raise await version_conflict(unit, caller, report, "report.close")
    now = unit.runtime.now()
    report.status = S.CLOSED
    report.version += 1
    report.updated_at = now
    unit.session.add(report)
    unit.session.add(snapshot(report, caller.id, now, reason="closed"))
    unit.emit(report_event("report.updated", report))
    unit.audit(report_entry("report.close", report_id, version=report.version))
    return await to_public(unit, caller, report)


async def update_disposition(
    unit: UnitOfWork, caller: Caller, report_id: str, data: DispositionUpdate
) -> ReportPublic:
    """A LEARA disposition change is an amendment: a new version with a reason."""
    report = await load_for_update(unit, caller, report_id, "report.disposition")
    allowed = report.type == ReportType.LEARA and report.status == S.SUBMITTED
    if not allowed or not await _may_follow_up(unit, caller, report):
        raise denied("report.disposition", report_id, 403, "not_allowed")
    if report.version != data.base_version:
        raise await version_conflict(unit, caller, report, "report.disposition")
    body = dict(report.body)
    body["disposition_status"] = data.disposition_status
    if data.disposition_narrative is not None:
        body["disposition_narrative"] = data.disposition_narrative
    if data.completed_at is not None:
        body["completed_at"] = data.completed_at.isoformat()
    cleaned, errors = validate_body(get_type(report.type), body, for_submit=True)
    if errors:
        raise validation_failed(errors)
    now = unit.runtime.now()
    report.body = cleaned
    report.version += 1
    report.updated_at = now
    unit.session.add(report)
    reason = f"disposition: {data.disposition_status}"
    unit.session.add(snapshot(report, caller.id, now, reason=reason))
    await index_report(unit.session, report)
    await mark_updated(unit, report)
    unit.audit(report_entry("report.disposition", report_id, status=data.disposition_status))
    return await to_public(unit, caller, report)


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}.{index}", out)
    else:
        out[prefix] = value


def diff_versions(old: ReportVersion, new: ReportVersion) -> list[FieldDifference]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten({"title": old.title, **old.envelope, "body": old.body}, "", before)
    _flatten({"title": new.title, **new.envelope, "body": new.body}, "", after)
    return [
        FieldDifference(field=name, before=before.get(name), after=after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]


async def compare_versions(
    unit: UnitOfWork, caller: Caller, report_id: str, from_version: int, to_version: int
) -> VersionComparison:
    report = await policy.readable_report(unit.session, caller, report_id)
    if report is None:
        raise denied("report.compare", report_id)
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
    unit.audit(report_entry("report.compare", report_id, versions=[from_version, to_version]))
    return VersionComparison(
        report_id=report_id,
        from_version=from_version,
        to_version=to_version,
        differences=diff_versions(old, new),
    )
