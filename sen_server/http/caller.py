"""Who is calling: resolved from the bearer token once per request (a Litestar dependency)."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.auth.gates import owes_password_change, owes_rules_acknowledgment
from sen_server.auth.sessions import find_session, needs_touch, session_problem, touch
from sen_server.auth.throttle import Limit, count_try, too_many
from sen_server.errors import ApiError
from sen_server.models import AuthSession, User
from sen_server.principal import Caller, roles_of
from sen_server.runtime import Runtime
from sen_server.unit import record_alone
from shared.enums import AuditAction

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


def runtime_of(state: State) -> Runtime:
    runtime: Runtime = state.runtime
    return runtime


def source_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return connection.client.host if connection.client else None


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    return await resolve_caller(request)


async def resolve_caller(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The request's caller, resolved once: guards and the ``caller`` dependency share it."""
    cached: Caller | None = connection.state.get(_CALLER_KEY)
    if cached is None:
        cached = await _authenticate(connection)
        connection.state[_CALLER_KEY] = cached
    return cached


_CALLER_KEY = "sen_caller"
READ_SESSION_KEY = "sen_read_session"
READ_METHODS = frozenset({"GET", "HEAD"})


async def _authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    runtime = runtime_of(connection.app.state)
    token = bearer_token(connection)
    if token is None:
        raise ApiError(401, "unauthenticated", "Log in first: no bearer token was sent.")
    session = runtime.read_sessions()
    released = False

    async def release() -> None:
        # Called before any write: a write waits for this process's turn to write, and a
        # request holding a pooled connection while it waits can starve the writer whose
        # turn it is of the connection it needs (every connection held by a waiter).
        nonlocal released
        if not released:
            released = True
            await session.close()

    try:
        found = await find_session(session, token)
        caller = await _admitted(runtime, connection, found, release)
    except BaseException:
        await release()
        raise
    if not released and _reads_in_a_unit(connection):
        # The handler's read-only unit of work goes on in this read transaction: one
        # connection, BEGIN and rollback a request instead of two. The caller's rows leave
        # the session first, as they would have with it closed: a change made to them
        # (``touch``) must not be flushed by a later read in a transaction that cannot write.
        session.expunge_all()
        connection.state[READ_SESSION_KEY] = session
    else:
        await release()
    return caller


def _reads_in_a_unit(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether this request's handler reads in a read-only unit of work (``provide_unit``),
    which then takes over the caller's read transaction (``adopt_read_session``)."""
    handler = connection.scope.get("route_handler")
    return (
        connection.scope.get("method") in READ_METHODS
        and handler is not None
        and "unit" in handler.parsed_fn_signature.parameters
    )


def adopt_read_session(connection: ASGIConnection[Any, Any, Any, Any]) -> AsyncSession | None:
    """The caller's read transaction, handed over (once) to the request's read-only unit."""
    session: AsyncSession | None = connection.state.pop(READ_SESSION_KEY, None)
    return session


async def release_read_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give back the caller's read transaction before a write that does not belong to the
    request's unit (a guard's recorded refusal): see ``release`` in ``_authenticate``."""
    session: AsyncSession | None = connection.state.pop(READ_SESSION_KEY, None)
    if session is not None:
        await session.close()


def read_session_guard(app: ASGIApp) -> ASGIApp:
    """Closes a read transaction that no unit took over: a request refused between
    authentication and its handler (a guard, a malformed parameter) must not keep its
    pooled connection."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        finally:
            session = (scope.get("state") or {}).pop(READ_SESSION_KEY, None)
            if session is not None:
                await session.close()

    return middleware


async def _admitted(
    runtime: Runtime,
    connection: ASGIConnection[Any, Any, Any, Any],
    found: tuple[AuthSession, User] | None,
    release: Callable[[], Awaitable[None]],
) -> Caller:
    """The caller of this session, or the refusal (recorded) that the session earns.
    ``release`` gives the caller's read connection back; it is awaited before any write."""
    source = source_of(connection)
    anonymous = AuditActor(source=source)
    now = runtime.now()
    problem = (
        "invalid_token"
        if found is None
        else session_problem(
            found[0], found[1], now, timedelta(minutes=runtime.settings.session_idle_minutes)
        )
    )
    touch_due = found is not None and not problem and needs_touch(found[0], now)
    if problem or found is None or touch_due:
        await release()
    if found is not None and touch_due:
        async with runtime.write_session() as session:
            await touch(session, found[0], now)
    if problem or found is None:
        # Counted per source: the first rejection of a window is recorded now, the rest in
        # one summary when the window closes (auth.throttle), so made-up tokens cannot grow
        # the append-only audit table by a record each; past the limit, 429.
        tries = await count_try(runtime, Limit.BAD_TOKEN, source)
        refusal = too_many(runtime, Limit.BAD_TOKEN, tries)
        actor = anonymous if found is None else _actor(found[1], found[0], source)
        if refusal is not None:
            if refusal.audit is not None:
                await record_alone(runtime, actor, refusal.audit)
            raise refusal
        if tries == 1:
            await record_alone(
                runtime,
                actor,
                AuditEntry(
                    action=AuditAction.TOKEN_REJECTED, outcome="denied", details={"reason": problem}
                ),
            )
        raise ApiError(401, problem, _TOKEN_PROBLEMS.get(problem, "Log in again."))
    auth, user = found
    caller = Caller(user=user, auth=auth, roles=roles_of(user), source=source)
    if connection.url.path not in UNGATED_PATHS:
        await _enforce_gates(runtime, caller, connection, release)
    return caller


async def _enforce_gates(
    runtime: Runtime,
    caller: Caller,
    connection: ASGIConnection[Any, Any, Any, Any],
    release: Callable[[], Awaitable[None]],
) -> None:
    now, settings = runtime.now(), runtime.settings
    reason = ""
    if owes_password_change(caller.user, now, settings):
        reason = "password_change_required"
    elif owes_rules_acknowledgment(caller.user, now, settings):
        reason = "rules_acknowledgment_required"
    if reason:
        await release()
        await record_alone(
            runtime,
            caller.actor,
            AuditEntry(
                action=AuditAction.REQUEST_DENIED,
                outcome="denied",
                details={"reason": reason, "path": connection.url.path},
            ),
        )
        raise ApiError(403, reason, _GATE_TEXT[reason])


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
