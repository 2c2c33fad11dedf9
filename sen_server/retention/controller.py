"""HTTP: /api/v1/admin/holds — legal holds (administrators)."""

from typing import Annotated

from litestar import get, post
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import CHANGE_TO_ONE, ApiController, error_responses
from sen_server.retention import service
from sen_server.retention.policy import may_manage_holds
from shared.enums import AuditAction
from shared.retention import LegalHoldCreate, LegalHoldLift, LegalHoldPublic
from shared.schemas import MAX_OFFSET, MAX_PAGE, Page

HoldId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]


class LegalHoldController(ApiController):
    path = "/api/v1/admin/holds"
    tags = ["admin"]
    guards = [allowed_by(may_manage_holds, "Only administrators place and lift legal holds.")]

    @get("/", opt={"audit_action": AuditAction.HOLDS_READ})
    async def index(
        self,
        unit: UnitDep,
        active: bool = True,
        offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> Page[LegalHoldPublic]:
        """Newest first; only holds in force unless ``active=false``."""
        items, more = await service.list_holds(unit, active_only=active, offset=offset, limit=limit)
        return Page(items=items, next_offset=offset + limit if more else None, limit=limit)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        opt={"audit_action": AuditAction.HOLD_PLACE},
        responses=error_responses(409),
    )
    async def place(
        self, caller: CallerDep, unit: UnitDep, data: JSONBody[LegalHoldCreate]
    ) -> LegalHoldPublic:
        """Place a hold on a report: it is neither transferred nor destroyed until lifted."""
        return await service.place_hold(unit, caller, data)

    @post(
        "/{hold_id:int}/lift",
        status_code=HTTP_200_OK,
        opt={"audit_action": AuditAction.HOLD_LIFT},
        responses=CHANGE_TO_ONE,
    )
    async def lift(
        self, caller: CallerDep, unit: UnitDep, hold_id: HoldId, data: JSONBody[LegalHoldLift]
    ) -> LegalHoldPublic:
        return await service.lift_hold(unit, caller, hold_id, data)
