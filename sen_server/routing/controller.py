"""HTTP: follow-ups on a report (acknowledge, routing, close, disposition, compare) and the
admin endpoints for routing and review rules."""

from typing import Annotated

from litestar import get, post, put
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from sen_server.audit.writer import AuditEntry
from sen_server.errors import validation_failed
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import CHANGE_TO_ONE, ApiController
from sen_server.reports import followups
from sen_server.reports.controller import ReportId
from sen_server.routing import rules
from sen_server.routing.policy import may_manage_rules
from shared.enums import AuditAction, ReportType
from shared.fields import ReviewPolicy
from shared.schemas import (
    MAX_VERSION,
    BaseRevision,
    DeliveryPublic,
    DispositionUpdate,
    FieldError,
    ReportPublic,
    VersionComparison,
)


class FollowUpController(ApiController):
    path = "/api/v1/reports/{report_id:str}"
    tags = ["reports"]
    errors = (404,)

    @post("/acknowledge", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def acknowledge(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId
    ) -> DeliveryPublic:
        return await followups.acknowledge(unit, caller, report_id)

    @get("/routing")
    async def routing(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId
    ) -> list[DeliveryPublic]:
        """Who received the report and whether they read and acknowledged it."""
        return await followups.routing_status(unit, caller, report_id)

    @post("/close", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def close(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[BaseRevision]
    ) -> ReportPublic:
        return await followups.close_report(unit, caller, report_id, data.base_revision)

    @post("/disposition", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def disposition(
        self,
        caller: CallerDep,
        unit: UnitDep,
        report_id: ReportId,
        data: JSONBody[DispositionUpdate],
    ) -> ReportPublic:
        return await followups.update_disposition(unit, caller, report_id, data)

    @get("/compare")
    async def compare(
        self,
        caller: CallerDep,
        unit: UnitDep,
        report_id: ReportId,
        from_version: Annotated[int, Parameter(ge=1, le=MAX_VERSION)],
        to_version: Annotated[int, Parameter(ge=1, le=MAX_VERSION)],
    ) -> VersionComparison:
        """Field-by-field differences between two versions."""
        return await followups.compare_versions(unit, caller, report_id, from_version, to_version)


def _check_targets(targets: list[str]) -> None:
    errors = [
        FieldError(field=f"{index}", message=problem)
        for index, target in enumerate(targets)
        if (problem := rules.target_problem(target))
    ]
    if errors:
        raise validation_failed(errors)


class WorkflowRulesController(ApiController):
    """Routing and review rules as data (admins). Each answer is the table as it now stands."""

    path = "/api/v1/admin"
    tags = ["admin"]
    guards = [allowed_by(may_manage_rules, "Only administrators read and change workflow rules.")]

    @get("/routing-rules", opt={"audit_action": AuditAction.ROUTING_RULES_READ})
    async def routing_rules(self, unit: UnitDep) -> dict[str, list[str]]:
        unit.audit(AuditEntry(action=AuditAction.ROUTING_RULES_READ))
        return await rules.all_routing_rules(unit.session)

    @put("/routing-rules/{report_type:str}", opt={"audit_action": AuditAction.ROUTING_RULES_UPDATE})
    async def set_routing(
        self, unit: UnitDep, report_type: ReportType, data: JSONBody[list[str]]
    ) -> dict[str, list[str]]:
        _check_targets(data)
        await rules.replace_routing_targets(unit.session, report_type, data)
        unit.audit(
            AuditEntry(
                action=AuditAction.ROUTING_RULES_UPDATE,
                object_type="routing_rule",
                object_id=report_type,
                details={"targets": data},
            )
        )
        return await rules.all_routing_rules(unit.session)

    @get("/review-rules", opt={"audit_action": AuditAction.REVIEW_RULES_READ})
    async def review_rules(self, unit: UnitDep) -> dict[str, str]:
        unit.audit(AuditEntry(action=AuditAction.REVIEW_RULES_READ))
        return await rules.review_rules(unit.session)

    @put("/review-rules/{report_type:str}", opt={"audit_action": AuditAction.REVIEW_RULES_UPDATE})
    async def set_review(
        self, unit: UnitDep, report_type: ReportType, data: JSONBody[ReviewPolicy]
    ) -> dict[str, str]:
        await rules.set_review_rule(unit.session, report_type, data)
        unit.audit(
            AuditEntry(
                action=AuditAction.REVIEW_RULES_UPDATE,
                object_type="review_rule",
                object_id=report_type,
                details={"policy": data},
            )
        )
        return await rules.review_rules(unit.session)
