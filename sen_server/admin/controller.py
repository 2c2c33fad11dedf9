"""HTTP: /api/v1/admin/users and /api/v1/admin/offices (administrators only)."""

from typing import Annotated

from litestar import delete, get, patch, post
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from sen_server.admin import service
from sen_server.admin.policy import may_administer
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import ONE_OBJECT, ApiController, error_responses
from shared.admin import (
    AdminUserCreate,
    AdminUserPublic,
    AdminUserUpdate,
    OfficeCreate,
    OfficePublic,
    OfficeUpdate,
    PasswordIssued,
    UserCreated,
)
from shared.enums import AuditAction
from shared.schemas import MAX_OFFSET, MAX_PAGE, Page

Username = Annotated[str, Parameter(max_length=150)]
OfficeCode = Annotated[str, Parameter(max_length=40)]
A = AuditAction


class UserAdminController(ApiController):
    """Accounts: each answer is the account as it now stands."""

    path = "/api/v1/admin/users"
    tags = ["admin"]
    guards = [allowed_by(may_administer, "Only administrators manage accounts.")]

    @get("/", opt={"audit_action": A.USER_LIST})
    async def index(
        self,
        unit: UnitDep,
        q: Annotated[str, Parameter(max_length=100)] = "",
        offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> Page[AdminUserPublic]:
        """Every account, disabled ones too, by username; q matches username or name."""
        return await service.list_users(unit, q, offset, limit)

    @post("/", status_code=HTTP_201_CREATED, opt={"audit_action": A.USER_ADD})
    async def add(self, unit: UnitDep, data: JSONBody[AdminUserCreate]) -> UserCreated:
        """A new account with a temporary password, answered this once and kept nowhere."""
        return await service.add_user(unit, data)

    @patch(
        "/{username:str}",
        responses=error_responses(404, 409),
        opt={"audit_action": A.USER_UPDATE},
    )
    async def update(
        self, caller: CallerDep, unit: UnitDep, username: Username, data: JSONBody[AdminUserUpdate]
    ) -> AdminUserPublic:
        """Profile, program, roles, office and supervisor (null clears office or supervisor)."""
        return await service.update_user(unit, caller, username, data)

    @post(
        "/{username:str}/disable",
        status_code=HTTP_200_OK,
        responses=error_responses(404, 409),
        opt={"audit_action": A.USER_DISABLE},
    )
    async def disable(
        self, caller: CallerDep, unit: UnitDep, username: Username
    ) -> AdminUserPublic:
        """Ends every session of the account at once."""
        return await service.set_disabled(unit, caller, username, disabled=True)

    @post(
        "/{username:str}/enable",
        status_code=HTTP_200_OK,
        responses=ONE_OBJECT,
        opt={"audit_action": A.USER_ENABLE},
    )
    async def enable(self, caller: CallerDep, unit: UnitDep, username: Username) -> AdminUserPublic:
        return await service.set_disabled(unit, caller, username, disabled=False)

    @post(
        "/{username:str}/unlock",
        status_code=HTTP_200_OK,
        responses=ONE_OBJECT,
        opt={"audit_action": A.USER_UNLOCK},
    )
    async def unlock(self, unit: UnitDep, username: Username) -> AdminUserPublic:
        return await service.unlock(unit, username)

    @post(
        "/{username:str}/password-reset",
        status_code=HTTP_200_OK,
        responses=error_responses(404, 409),
        opt={"audit_action": A.PASSWORD_RESET},
    )
    async def reset_password(
        self, caller: CallerDep, unit: UnitDep, username: Username
    ) -> PasswordIssued:
        """A new temporary password (answered this once); ends the account's sessions."""
        return await service.reset_password(unit, caller, username)


class OfficeAdminController(ApiController):
    """The office tree and its AORs."""

    path = "/api/v1/admin/offices"
    tags = ["admin"]
    guards = [allowed_by(may_administer, "Only administrators manage offices.")]

    @get("/", opt={"audit_action": A.OFFICE_LIST})
    async def index(self, unit: UnitDep) -> list[OfficePublic]:
        """Every office in tree order (depth first), with its parent and number of accounts."""
        return await service.list_offices(unit)

    @post("/", status_code=HTTP_201_CREATED, opt={"audit_action": A.OFFICE_ADD})
    async def add(self, unit: UnitDep, data: JSONBody[OfficeCreate]) -> OfficePublic:
        return await service.add_office(unit, data)

    @patch("/{code:str}", responses=ONE_OBJECT, opt={"audit_action": A.OFFICE_UPDATE})
    async def update(
        self, unit: UnitDep, code: OfficeCode, data: JSONBody[OfficeUpdate]
    ) -> OfficePublic:
        """Rename, move (parent; null makes it a root) or change the AOR."""
        return await service.update_office(unit, code, data)

    @delete(
        "/{code:str}",
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(404, 409),
        opt={"audit_action": A.OFFICE_RETIRE},
    )
    async def retire(self, unit: UnitDep, code: OfficeCode) -> None:
        """Only an office no account, office or report points at."""
        await service.retire_office(unit, code)
