"""HTTP: follow-ups on a report (acknowledge, routing, close, disposition, compare) and the
admin endpoints for routing and review rules."""

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditEntry
from sen_server.caller import Caller, CallerDep, runtime_of
from sen_server.errors import ApiError, validation_failed
from sen_server.reports import followups
from sen_server.reports.controller import ReportId
from sen_server.routing import rules
from sen_server.unit import UnitOfWork
from shared.enums import ReportType, Role
from shared.fields import ReviewPolicy
from shared.schemas import (
    DeliveryPublic,
    DispositionUpdate,
    FieldError,
    ReportPublic,
    VersionComparison,
    VersionedAction,
)


class FollowUpController(Controller):
    path = "/api/v1/reports/{report_id:str}"
    tags = ["reports"]

    @post("/acknowledge", status_code=HTTP_200_OK)
    async def acknowledge(
        self, state: State, caller: CallerDep, report_id: ReportId
    ) -> DeliveryPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await followups.acknowledge(unit, caller, report_id)

    @get("/routing")
    async def routing(
        self, state: State, caller: CallerDep, report_id: ReportId
    ) -> list[DeliveryPublic]:
        """Who received the report and whether they read and acknowledged it."""
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await followups.routing_status(unit, caller, report_id)

    @post("/close", status_code=HTTP_200_OK)
    async def close(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[VersionedAction]
    ) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await followups.close_report(unit, caller, report_id, data.base_version)

    @post("/disposition", status_code=HTTP_200_OK)
    async def disposition(
        self,
        state: State,
        caller: CallerDep,
        report_id: ReportId,
        data: JSONBody[DispositionUpdate],
    ) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await followups.update_disposition(unit, caller, report_id, data)

    @get("/compare")
    async def compare(
        self,
        state: State,
        caller: CallerDep,
        report_id: ReportId,
        from_version: Annotated[int, Parameter(ge=1)],
        to_version: Annotated[int, Parameter(ge=1)],
    ) -> VersionComparison:
        """Field-by-field differences between two versions."""
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await followups.compare_versions(
                unit, caller, report_id, from_version, to_version
            )


def _require_admin(caller: Caller, action: str) -> None:
    if not caller.has(Role.ADMIN):
        raise ApiError(
            403,
            "forbidden",
            "Only administrators change workflow rules.",
            audit=AuditEntry(action=action, outcome="denied"),
        )


def _check_targets(targets: list[str]) -> None:
    errors = [
        FieldError(field=f"{index}", message=problem)
        for index, target in enumerate(targets)
        if (problem := rules.target_problem(target))
    ]
    if errors:
        raise validation_failed(errors)


Rules = TypeVar("Rules")


async def _admin_rules(
    state: State,
    caller: Caller,
    audit: AuditEntry,
    rules_now: Callable[[AsyncSession], Awaitable[Rules]],
    change: Callable[[AsyncSession], Awaitable[None]] | None = None,
) -> Rules:
    """Admins only: apply ``change`` (if any), record ``audit`` and answer with the rules as
    they now stand, all in one transaction. A refusal is audited under ``audit.action``."""
    _require_admin(caller, audit.action)
    async with UnitOfWork(runtime_of(state), caller.actor) as unit:
        if change is not None:
            await change(unit.session)
        unit.audit(audit)
        return await rules_now(unit.session)


class WorkflowRulesController(Controller):
    path = "/api/v1/admin"
    tags = ["admin"]

    @get("/routing-rules")
    async def routing_rules(self, state: State, caller: CallerDep) -> dict[str, list[str]]:
        audit = AuditEntry(action="admin.routing_rules.read")
        return await _admin_rules(state, caller, audit, rules.all_routing_rules)

    @put("/routing-rules/{report_type:str}")
    async def set_routing(
        self, state: State, caller: CallerDep, report_type: ReportType, data: JSONBody[list[str]]
    ) -> dict[str, list[str]]:
        async def replace(session: AsyncSession) -> None:
            _check_targets(data)  # after the admin check: a non-admin is refused, not corrected
            await rules.replace_routing_targets(session, report_type, data)

        audit = AuditEntry(
            action="admin.routing_rules.update",
            object_type="routing_rule",
            object_id=report_type,
            details={"targets": data},
        )
        return await _admin_rules(state, caller, audit, rules.all_routing_rules, replace)

    @get("/review-rules")
    async def review_rules(self, state: State, caller: CallerDep) -> dict[str, str]:
        audit = AuditEntry(action="admin.review_rules.read")
        return await _admin_rules(state, caller, audit, rules.review_rules)

    @put("/review-rules/{report_type:str}")
    async def set_review(
        self, state: State, caller: CallerDep, report_type: ReportType, data: JSONBody[ReviewPolicy]
    ) -> dict[str, str]:
        async def set_policy(session: AsyncSession) -> None:
            await rules.set_review_rule(session, report_type, data)

        audit = AuditEntry(
            action="admin.review_rules.update",
            object_type="review_rule",
            object_id=report_type,
            details={"policy": data},
        )
        return await _admin_rules(state, caller, audit, rules.review_rules, set_policy)
