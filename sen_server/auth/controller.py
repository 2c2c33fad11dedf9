"""HTTP: /api/v1/auth/* and /api/v1/me."""

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK
from pydantic import Field

from sen_server.accounts.views import user_public
from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.auth.gates import owes_password_change, owes_rules_acknowledgment
from sen_server.auth.passwords import hash_password_off_loop
from sen_server.auth.service import (
    account_turn,
    attempt_login,
    check_password,
    new_password_errors,
    set_password,
)
from sen_server.auth.sessions import revoke_user_sessions
from sen_server.auth.texts import RULES_OF_BEHAVIOR, RULES_VERSION, SYSTEM_USE_NOTICE
from sen_server.auth.throttle import Limit, count_try, too_many
from sen_server.errors import ApiError, validation_failed
from sen_server.http.caller import runtime_of, source_of
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.openapi import ApiController, error_responses
from sen_server.models import User
from sen_server.reports.policy import creatable_types
from sen_server.runtime import Runtime
from sen_server.unit import UnitOfWork, record_alone
from sen_server.workspaces import workspaces_for
from shared.enums import AuditAction
from shared.schemas import (
    FieldError,
    LoginRequest,
    LoginResponse,
    MePublic,
    PasswordChange,
    RulesAcknowledgment,
    RulesPublic,
    SystemNotice,
)

LOGIN_REFUSED = (
    "Wrong username or password, or the account is locked. After 3 failed attempts an "
    "account is locked for 30 minutes; an administrator can unlock it."
)


class CurrentRulesAcknowledgment(RulesAcknowledgment):
    """What the server takes: an acknowledgment of the rules in force, and no other version
    (the document says so with ``const``; the handler says which version in its 422)."""

    version: str = Field(json_schema_extra={"const": RULES_VERSION})


class AuthController(ApiController):
    path = "/api/v1"
    tags = ["auth"]

    @get("/auth/notice", sync_to_thread=False)
    def notice(self) -> SystemNotice:
        """The system-use notice shown before login."""
        return SystemNotice(text=SYSTEM_USE_NOTICE)

    @post("/auth/login", status_code=HTTP_200_OK, responses=error_responses(401, 429, 503))
    async def login(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[LoginRequest]
    ) -> LoginResponse:
        runtime = runtime_of(state)
        source = source_of(request)
        refusal = too_many(runtime, Limit.LOGIN, await count_try(runtime, Limit.LOGIN, source))
        if refusal is not None:
            if refusal.audit is not None:
                await record_alone(runtime, AuditActor(source=source), refusal.audit)
            raise refusal
        async with account_turn(data.username):
            return await _log_in(runtime, data, source)

    @post("/auth/logout", status_code=HTTP_200_OK)
    async def logout(self, caller: CallerDep, unit: UnitDep) -> dict[str, str]:
        auth = caller.auth
        auth.revoked_at = unit.runtime.now()
        unit.session.add(auth)
        unit.audit(AuditEntry(action=AuditAction.LOGOUT))
        return {"status": "logged_out"}

    @get("/auth/rules", sync_to_thread=False)
    def rules(self, caller: CallerDep) -> RulesPublic:
        return RulesPublic(version=RULES_VERSION, text=RULES_OF_BEHAVIOR)

    @post("/auth/rules-acknowledgment", status_code=HTTP_200_OK)
    async def acknowledge_rules(
        self, caller: CallerDep, unit: UnitDep, data: JSONBody[CurrentRulesAcknowledgment]
    ) -> MePublic:
        if data.version != RULES_VERSION:
            raise validation_failed(
                [FieldError(field="version", message=f"must be the current {RULES_VERSION}")]
            )
        user = await _fresh_user(unit, caller)
        user.rules_acknowledged_at = unit.runtime.now()
        unit.session.add(user)
        unit.audit(
            AuditEntry(action=AuditAction.RULES_ACKNOWLEDGED, details={"version": data.version})
        )
        return await _me(unit, user, caller)

    @post("/auth/password", status_code=HTTP_200_OK)
    async def change_password(
        self, caller: CallerDep, unit: UnitDep, data: JSONBody[PasswordChange]
    ) -> MePublic:
        user = await _fresh_user(unit, caller)
        errors = await new_password_errors(user, data.current_password, data.new_password)
        if errors:
            raise validation_failed(errors) from None
        now = unit.runtime.now()
        hashed = await hash_password_off_loop(data.new_password)
        set_password(user, data.new_password, now, temporary=False, hashed=hashed)
        unit.session.add(user)
        # Other sessions of this user end: whoever else held one no longer may.
        await revoke_user_sessions(unit.session, user.id or 0, now, keep=caller.auth.id)
        unit.audit(
            AuditEntry(
                action=AuditAction.PASSWORD_CHANGED, object_type="user", object_id=user.username
            )
        )
        return await _me(unit, user, caller)

    @get("/me")
    async def me(self, caller: CallerDep, unit: UnitDep) -> MePublic:
        """Who the caller is, what they owe, and the workspaces and queues they may open."""
        return await _me(unit, caller.user, caller)


async def _log_in(runtime: Runtime, data: LoginRequest, source: str | None) -> LoginResponse:
    async with runtime.read_sessions() as session:
        checked = await check_password(session, data.username, data.password)
    now = runtime.now()
    async with UnitOfWork(runtime, AuditActor(source=source)) as unit:
        outcome = await attempt_login(
            unit.session,
            data.username,
            data.password,
            checked,
            now=now,
            settings=runtime.settings,
            source=source,
        )
        user = outcome.user
        # Only a successful logon acts as the user: a failed one may be anybody's guess,
        # so it stays anonymous and names the username tried in its details.
        if user is not None and outcome.auth is not None:
            unit.actor = AuditActor(
                username=user.username,
                roles=tuple(sorted(user.roles)),
                session=outcome.auth.public_id,
                source=source,
            )
        if outcome.audit:
            unit.audit(outcome.audit)
        if user is None or outcome.token is None or outcome.auth is None:
            response = None
        else:
            response = LoginResponse(
                token=outcome.token,
                expires_at=outcome.auth.expires_at,
                must_change_password=owes_password_change(user, now, runtime.settings),
                must_acknowledge_rules=owes_rules_acknowledgment(user, now, runtime.settings),
                user=await user_public(unit.session, user),
            )
    if response is None:
        raise ApiError(401, "invalid_credentials", LOGIN_REFUSED)
    return response


async def _fresh_user(unit: UnitOfWork, caller: CallerDep) -> User:
    user = await unit.session.get(User, caller.id)
    if user is None:  # deleted between token check and now
        raise ApiError(401, "invalid_token", "Log in again.")
    return user


async def _me(unit: UnitOfWork, user: User, caller: CallerDep) -> MePublic:
    runtime = unit.runtime
    now = runtime.now()
    return MePublic(
        user=await user_public(unit.session, user),
        must_change_password=owes_password_change(user, now, runtime.settings),
        must_acknowledge_rules=owes_rules_acknowledgment(user, now, runtime.settings),
        creatable_types=sorted(creatable_types(caller)),
        session_expires_at=caller.auth.expires_at,
        idle_timeout_seconds=runtime.settings.session_idle_minutes * 60,
        workspaces=workspaces_for(caller),
    )
