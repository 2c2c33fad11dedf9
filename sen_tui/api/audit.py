"""Reading the audit log (auditors and administrators; SPEC §9)."""

from dataclasses import dataclass
from datetime import datetime

from sen_tui.api.base import ApiBase
from shared.enums import AuditOutcome
from shared.schemas import AuditRecordPublic, Page


@dataclass(frozen=True)
class AuditFilters:
    """The filters ``GET /api/v1/audit`` takes; empty ones are left out."""

    actor: str | None = None
    action: str | None = None  # an action, or the start of one ("auth.")
    object_id: str | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditApi(ApiBase):
    async def audit(
        self, filters: AuditFilters, *, offset: int = 0, limit: int = 100
    ) -> Page[AuditRecordPublic]:
        """One page of the audit log, newest first."""
        data = await self._get_as(
            "/audit",
            Page[AuditRecordPublic],
            actor=filters.actor,
            action=filters.action,
            object_id=filters.object_id,
            outcome=filters.outcome,
            since=filters.since,
            until=filters.until,
            offset=offset,
            limit=limit,
        )
        return data
