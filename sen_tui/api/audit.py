"""Reviewing the audit log (auditors and administrators; SPEC §9, §12)."""

from dataclasses import dataclass
from datetime import datetime

from sen_tui.api.base import ApiBase
from shared.audit_review import AuditPage, AuditVerification, FailedLogonReport
from shared.enums import AuditOutcome


@dataclass(frozen=True)
class AuditFilters:
    """The filters ``GET /api/v1/audit`` takes; empty ones are left out."""

    actor: str | None = None
    action: str | None = None  # an action, or a group of them ("auth.")
    object_id: str | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditApi(ApiBase):
    async def audit(
        self, filters: AuditFilters, *, cursor: str | None = None, limit: int = 100
    ) -> AuditPage:
        """One page of the audit log, newest first; ``cursor``: the previous page's
        ``next_cursor``."""
        return await self._get(
            "/audit",
            AuditPage,
            actor=filters.actor,
            action=filters.action,
            object_id=filters.object_id,
            outcome=filters.outcome,
            since=filters.since,
            until=filters.until,
            cursor=cursor,
            limit=limit,
        )

    async def failed_logons(
        self, since: datetime, until: datetime | None = None
    ) -> FailedLogonReport:
        """Failed logons per user and per source address since ``since``."""
        return await self._get("/audit/failed-logons", FailedLogonReport, since=since, until=until)

    async def verify_audit(self) -> AuditVerification:
        """Run a chain verification on the server (auditors only; itself audited)."""
        return await self._post("/audit/verify", AuditVerification)
