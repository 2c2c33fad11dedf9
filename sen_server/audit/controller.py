"""HTTP: /api/v1/audit — reading the log (auditor and admin only)."""

from typing import Annotated

from litestar import get
from litestar.params import Parameter
from sqlmodel import col, select

from sen_server.audit.policy import may_read_audit
from sen_server.audit.writer import AuditEntry
from sen_server.http.dependencies import UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import ApiController
from sen_server.http.params import WindowDep
from sen_server.models import AuditRecord
from shared.enums import AuditAction, AuditOutcome
from shared.schemas import MAX_OFFSET, MAX_PAGE, AuditRecordPublic, Page


class AuditController(ApiController):
    path = "/api/v1/audit"
    tags = ["audit"]
    guards = [allowed_by(may_read_audit, "Only auditors and administrators read the audit log.")]

    @get("/", opt={"audit_action": AuditAction.AUDIT_READ})
    async def index(
        self,
        unit: UnitDep,
        window: WindowDep,
        actor: str | None = None,
        action: str | None = None,
        object_id: str | None = None,
        outcome: AuditOutcome | None = None,
        offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> Page[AuditRecordPublic]:
        """Newest first. Filters by actor, action (prefix), object, outcome and time."""
        conditions = []
        if actor:
            conditions.append(col(AuditRecord.actor) == actor)
        if action:
            conditions.append(col(AuditRecord.action).startswith(action))
        if object_id:
            conditions.append(col(AuditRecord.object_id) == object_id)
        if outcome:
            conditions.append(col(AuditRecord.outcome) == outcome)
        if window.since:
            conditions.append(col(AuditRecord.at) >= window.since)
        if window.until:
            conditions.append(col(AuditRecord.at) < window.until)
        rows = (
            await unit.session.exec(
                select(AuditRecord)
                .where(*conditions)
                .order_by(col(AuditRecord.seq).desc())
                .offset(offset)
                .limit(limit + 1)
            )
        ).all()
        filters = {"actor": actor, "action": action, "object_id": object_id, "outcome": outcome}
        unit.audit(
            AuditEntry(
                action=AuditAction.AUDIT_READ,
                details={
                    "filters": {k: str(v) for k, v in filters.items() if v},
                    "offset": offset,
                },
            )
        )
        items = [AuditRecordPublic.model_validate(r, from_attributes=True) for r in rows[:limit]]
        next_offset = offset + limit if len(rows) > limit else None
        return Page(items=items, next_offset=next_offset, limit=limit)
