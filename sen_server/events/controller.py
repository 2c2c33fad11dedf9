"""HTTP: GET /api/v1/events (server-sent events)."""

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import ServerSentEvent

from sen_server.audit.writer import AuditEntry
from sen_server.errors import validation_failed
from sen_server.events.store import latest_event_id
from sen_server.events.stream import event_stream
from sen_server.http.dependencies import CallerDep, UnitDep
from shared.enums import AuditAction
from shared.schemas import MAX_EVENT_ID, FieldError


class EventController(Controller):
    path = "/api/v1/events"
    tags = ["events"]

    @get("/")
    async def stream(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        unit: UnitDep,
        last_event_id: Annotated[
            int | None, Parameter(query="last_event_id", ge=0, le=MAX_EVENT_ID)
        ] = None,
    ) -> ServerSentEvent:
        """Live events. Reconnect with the Last-Event-ID header to replay what was missed."""
        header = request.headers.get("last-event-id", "").strip()
        resume = int(header) if header.isdigit() else last_event_id
        if resume is not None and resume > MAX_EVENT_ID:
            raise validation_failed(
                [FieldError(field="Last-Event-ID", message="is not an event id of this server")]
            )
        start = resume if resume is not None else await latest_event_id(unit.session)
        unit.audit(AuditEntry(action=AuditAction.EVENTS_SUBSCRIBE, details={"from": start}))
        # The stream reads in sessions of its own, after this unit has committed.
        return ServerSentEvent(event_stream(unit.runtime, caller, start))
