"""HTTP: GET /api/v1/events (server-sent events)."""

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.response import ServerSentEvent

from sen_server.audit.writer import AuditEntry
from sen_server.caller import CallerDep, runtime_of
from sen_server.events.store import latest_event_id
from sen_server.events.stream import event_stream
from sen_server.unit import UnitOfWork


class EventController(Controller):
    path = "/api/v1/events"
    tags = ["events"]

    @get("/")
    async def stream(
        self,
        request: Request[Any, Any, Any],
        state: State,
        caller: CallerDep,
        last_event_id: Annotated[int | None, Parameter(query="last_event_id", ge=0)] = None,
    ) -> ServerSentEvent:
        """Live events. Reconnect with the Last-Event-ID header to replay what was missed."""
        runtime = runtime_of(state)
        header = request.headers.get("last-event-id", "").strip()
        resume = int(header) if header.isdigit() else last_event_id
        async with UnitOfWork(runtime, caller.actor) as unit:
            start = resume if resume is not None else await latest_event_id(unit.session)
            unit.audit(AuditEntry(action="events.subscribe", details={"from": start}))
        return ServerSentEvent(event_stream(runtime, caller, start))
