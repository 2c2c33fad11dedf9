"""Who is calling: resolved from the bearer token once per request (a Litestar dependency)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.auth.gates import owes_password_change, owes_rules_acknowledgment
from sen_server.auth.sessions import find_session, needs_touch, session_problem, touch
from sen_server.errors import ApiError
from sen_server.models import AuthSession, User
from sen_server.runtime import Runtime
from sen_server.unit import record_alone
from shared.enums import Role

# Reachable while a password change or rules acknowledgment is owed (SPEC §11).
UNGATED_PATHS = frozenset(
    {
        "/api/v1/auth/password",
        "/api/v1/auth/rules-acknowledgment",
        "/api/v1/auth/rules",
        "/api/v1/me",
        "/api/v1/auth/logout",
    }
)


@dataclass(frozen=True)
class Caller:
    user: User
    auth: AuthSession
    roles: frozenset[Role]
    source: str | None

    @property
    def id(self) -> int:
        return self.user.id or 0

    @property
    def actor(self) -> AuditActor:
        return AuditActor(
            username=self.user.username,
            roles=tuple(sorted(self.roles)),
            session=self.auth.public_id,
            source=self.source,
        )

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def runtime_of(state: State) -> Runtime:
    runtime: Runtime = state.runtime
    return runtime


def source_of(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def provide_caller(request: Request[Any, Any, Any], state: State) -> Caller:
    runtime = runtime_of(state)
    source = source_of(request)
    token = bearer_token(request)
    anonymous = AuditActor(source=source)
    if token is None:
        raise ApiError(401, "unauthenticated", "Log in first: no bearer token was sent.")
    now = runtime.now()
    async with runtime.read_sessions() as session:
        found = await find_session(session, token)
    problem = (
        "invalid_token"
        if found is None
        else session_problem(
            found[0], found[1], now, timedelta(minutes=runtime.settings.session_idle_minutes)
        )
    )
    if found is not None and not problem and needs_touch(found[0], now):
        async with runtime.sessions() as session, session.begin():
            await touch(session, found[0], now)
    if problem or found is None:
        await record_alone(
            runtime,
            anonymous if found is None else _actor(found[1], found[0], source),
            AuditEntry(action="auth.token_rejected", outcome="denied", details={"reason": problem}),
        )
        raise ApiError(401, problem, _TOKEN_PROBLEMS.get(problem, "Log in again."))
    auth, user = found
    caller = Caller(user=user, auth=auth, roles=_roles(user), source=source)
    if request.url.path not in UNGATED_PATHS:
        await _enforce_gates(runtime, caller, request)
    return caller


async def _enforce_gates(runtime: Runtime, caller: Caller, request: Request[Any, Any, Any]) -> None:
    now, settings = runtime.now(), runtime.settings
    reason = ""
    if owes_password_change(caller.user, now, settings):
        reason = "password_change_required"
    elif owes_rules_acknowledgment(caller.user, now, settings):
        reason = "rules_acknowledgment_required"
    if reason:
        await record_alone(
            runtime,
            caller.actor,
            AuditEntry(
                action="request.denied",
                outcome="denied",
                details={"reason": reason, "path": request.url.path},
            ),
        )
        raise ApiError(403, reason, _GATE_TEXT[reason])


def _roles(user: User) -> frozenset[Role]:
    return frozenset(Role(r) for r in user.roles if r in Role._value2member_map_)


def _actor(user: User, auth: AuthSession, source: str | None) -> AuditActor:
    return AuditActor(
        username=user.username,
        roles=tuple(sorted(user.roles)),
        session=auth.public_id,
        source=source,
    )


_TOKEN_PROBLEMS = {
    "invalid_token": "The session is not valid. Log in again.",
    "session_revoked": "The session was ended. Log in again.",
    "account_disabled": "The account is disabled. Ask an administrator.",
    "session_expired": "The session reached its 12-hour limit. Log in again.",
    "session_idle": "The session was idle too long. Log in again.",
}

_GATE_TEXT = {
    "password_change_required": "Change your password first (POST /api/v1/auth/password).",
    "rules_acknowledgment_required": (
        "Acknowledge the Rules of Behavior first (POST /api/v1/auth/rules-acknowledgment)."
    ),
}


# Handlers declare `caller: CallerDep`; Litestar injects provide_caller's result by name.
CallerDep = NamedDependency[Caller]
