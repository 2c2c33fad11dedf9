"""Legal holds: placed on a live report with a reason, lifted with a reason, never deleted.

The reasons are kept with the hold and never copied into the audit log (free text may name
people); the audit records name the report and the hold.
"""

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, not_found, validation_failed
from sen_server.models import Report
from sen_server.principal import Caller
from sen_server.retention.models import LegalHold
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, ObjectType
from shared.retention import LegalHoldCreate, LegalHoldLift, LegalHoldPublic
from shared.schemas import FieldError


def _public(hold: LegalHold) -> LegalHoldPublic:
    return LegalHoldPublic.model_validate(hold, from_attributes=True)


async def list_holds(
    unit: UnitOfWork, *, active_only: bool, offset: int, limit: int
) -> tuple[list[LegalHoldPublic], bool]:
    """Holds, newest first; and whether there are more."""
    query = select(LegalHold).order_by(col(LegalHold.id).desc()).offset(offset).limit(limit + 1)
    if active_only:
        query = query.where(col(LegalHold.lifted_at).is_(None))
    rows = (await unit.session.exec(query)).all()
    unit.audit(
        AuditEntry(
            action=AuditAction.HOLDS_READ,
            object_type="legal_hold",
            details={"active_only": active_only, "offset": offset, "shown": len(rows[:limit])},
        )
    )
    return [_public(h) for h in rows[:limit]], len(rows) > limit


async def place_hold(unit: UnitOfWork, caller: Caller, data: LegalHoldCreate) -> LegalHoldPublic:
    # Lock the report row: a retention run disposing of it waits, or has already removed
    # it (then there is nothing left to hold).
    report = (
        await unit.session.exec(
            select(Report.id).where(col(Report.id) == data.report_id).with_for_update()
        )
    ).first()
    if report is None:
        raise validation_failed(
            [FieldError(field="report_id", label="Report", message="is not a report on record")]
        )
    held = (
        await unit.session.exec(
            select(LegalHold.id).where(
                col(LegalHold.report_id) == data.report_id, col(LegalHold.lifted_at).is_(None)
            )
        )
    ).first()
    if held is not None:
        raise ApiError(
            409, "already_held", "This report is already under a legal hold.", extra={"hold": held}
        )
    hold = LegalHold(
        report_id=data.report_id,
        reason=data.reason,
        placed_by=caller.user.username,
        placed_at=unit.runtime.now(),
    )
    unit.session.add(hold)
    await unit.session.flush()
    unit.audit(
        AuditEntry(
            action=AuditAction.HOLD_PLACE,
            object_type=ObjectType.REPORT,
            object_id=data.report_id,
            details={"hold": hold.id, "changed": ["report_id", "reason"]},
        )
    )
    return _public(hold)


async def lift_hold(
    unit: UnitOfWork, caller: Caller, hold_id: int, data: LegalHoldLift
) -> LegalHoldPublic:
    hold = (
        await unit.session.exec(
            select(LegalHold).where(col(LegalHold.id) == hold_id).with_for_update()
        )
    ).first()
    if hold is None:
        raise not_found("legal hold")
    if hold.lifted_at is not None:
        raise ApiError(409, "already_lifted", "This legal hold was lifted already.")
    hold.lifted_at = unit.runtime.now()
    hold.lifted_by = caller.user.username
    hold.lift_reason = data.reason
    unit.session.add(hold)
    await unit.session.flush()
    unit.audit(
        AuditEntry(
            action=AuditAction.HOLD_LIFT,
            object_type=ObjectType.REPORT,
            object_id=hold.report_id,
            details={"hold": hold.id, "changed": ["lifted_at", "lift_reason"]},
        )
    )
    return _public(hold)
