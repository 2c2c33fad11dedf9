"""The request's unit of work, provided to handlers as the ``unit`` dependency.

A GET reads in a read-only unit (no write lock while a page is computed; its audit records
and small follow-up writes commit in a short transaction of their own); every other method
gets a read-write unit. Litestar closes the dependency after the handler has returned and
its response has been built but before the response is sent, so the audit records are
committed before any content leaves; an exception raised by the handler is thrown into the
unit, which rolls the work back and records an audited refusal on its own.
"""

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide

from sen_server.http.caller import READ_METHODS, adopt_read_session, provide_caller, runtime_of
from sen_server.http.params import provide_window
from sen_server.principal import Caller
from sen_server.unit import UnitOfWork


async def provide_unit(
    request: Request[Any, Any, Any], caller: Caller
) -> AsyncIterator[UnitOfWork]:
    runtime = runtime_of(request.app.state)
    if request.method not in READ_METHODS:
        async with UnitOfWork(runtime, caller.actor) as unit:
            yield unit
        return
    begun = adopt_read_session(request)
    async with UnitOfWork(runtime, caller.actor, read_only=True, begun=begun) as unit:
        yield unit


DEPENDENCIES = {
    "caller": Provide(provide_caller),
    "unit": Provide(provide_unit),
    "window": Provide(provide_window),
}

# Handlers declare `caller: CallerDep` and `unit: UnitDep`; Litestar injects them by name.
CallerDep = NamedDependency[Caller]
UnitDep = NamedDependency[UnitOfWork]
