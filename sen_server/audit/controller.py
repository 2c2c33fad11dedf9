"""HTTP: /api/v1/audit — reviewing the log (auditor and admin; verification: auditor)."""

from typing import Annotated

from litestar import get, post
from litestar.datastructures import State
from litestar.params import Parameter

from sen_server.audit import review
from sen_server.audit.policy import may_read_audit, may_verify_audit
from sen_server.http.caller import runtime_of
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import ApiController
from sen_server.http.params import WindowDep
from shared.audit_review import AuditPage, AuditVerification, FailedLogonReport
from shared.enums import AuditAction, AuditOutcome
from shared.schemas import MAX_PAGE

Text = Annotated[str | None, Parameter(max_length=150)]


class AuditController(ApiController):
    path = "/api/v1/audit"
    tags = ["audit"]
    guards = [allowed_by(may_read_audit, "Only auditors and administrators read the audit log.")]

    @get("/", opt={"audit_action": AuditAction.AUDIT_READ})
    async def index(
        self,
        unit: UnitDep,
        window: WindowDep,
        actor: Text = None,
        action: Annotated[str | None, Parameter(max_length=64)] = None,
        object_id: Annotated[str | None, Parameter(max_length=64)] = None,
        outcome: AuditOutcome | None = None,
        cursor: Annotated[str | None, Parameter(max_length=review.MAX_CURSOR)] = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> AuditPage:
        """Newest first. Filters by actor, action (an action, or the beginning of some:
        ``auth.``, ``admin.hold``), object, outcome and time; ``cursor`` is the previous page's
        ``next_cursor``."""
        filters = review.AuditFilters(actor, action, object_id, outcome)
        return await review.audit_page(unit, filters, (window.since, window.until), cursor, limit)

    @get("/failed-logons", opt={"audit_action": AuditAction.AUDIT_FAILED_LOGONS})
    async def failed_logons(self, unit: UnitDep, window: WindowDep) -> FailedLogonReport:
        """Failed logons per user and per source address between ``since`` and ``until``
        (default: the last 24 hours). Usernames no account has appear as keyed digests."""
        return await review.failed_logon_report(unit, (window.since, window.until))

    @post(
        "/verify",
        status_code=200,
        opt={"audit_action": AuditAction.AUDIT_VERIFY},
        guards=[allowed_by(may_verify_audit, "Only auditors verify the audit chain.")],
    )
    async def verify(self, caller: CallerDep, state: State) -> AuditVerification:
        """Check every link and checkpoint (and the anchors file, where the server keeps
        one); names the first bad record. The run is itself audited."""
        return await review.verify_for(runtime_of(state), caller.actor)
