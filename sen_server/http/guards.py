"""Guards: plain functions on a controller or handler that refuse a caller before any work.

A refusal is audited (under the handler's ``opt["audit_action"]``, else ``request.denied``)
and answers 403 with a reason; the rules themselves live in each domain's ``policy``.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError
from sen_server.http.caller import release_read_session, resolve_caller, runtime_of
from sen_server.principal import Caller
from sen_server.unit import record_alone
from shared.enums import AuditAction

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]
MayCall = Callable[[Caller], bool]


def allowed_by(policy: MayCall, refusal: str) -> Guard:
    """A guard that lets through the callers ``policy`` admits; ``refusal`` says why not."""

    async def guard(
        connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
    ) -> None:
        caller = await resolve_caller(connection)
        if policy(caller):
            return
        action = handler.opt.get("audit_action", AuditAction.REQUEST_DENIED)
        entry = AuditEntry(
            action=str(action),
            outcome="denied",
            details={"reason": "role_required", "path": connection.scope.get("path_template", "")},
        )
        await release_read_session(connection)
        await record_alone(runtime_of(connection.app.state), caller.actor, entry)
        raise ApiError(403, "forbidden", refusal)

    return guard
