"""HTTP: GET /api/v1/events (server-sent events)."""

from typing import Annotated, Any

from litestar import Request, get
from litestar.openapi import ResponseSpec
from litestar.params import Parameter
from litestar.response import ServerSentEvent
from pydantic import BaseModel, Field

from sen_server.audit.writer import AuditEntry
from sen_server.errors import validation_failed
from sen_server.events.store import latest_event_id
from sen_server.events.stream import event_stream
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.openapi import ApiController
from shared.enums import AuditAction, EventKind
from shared.schemas import MAX_EVENT_ID, FieldError


class StreamedEvent(BaseModel):
    """One event of the stream as it arrives (text/event-stream): only the document says
    this; the stream itself is written by ``events.stream``. Between events the stream sends
    comments (a ``ping`` at least every 15 s), which carry no data."""

    id: str = Field(
        pattern=r"^[0-9]+$", description="The event's number; resend it as Last-Event-ID."
    )
    event: EventKind
    data: str = Field(
        description=(
            "The event as JSON: id, kind, object_type, object_id, report_id, report_type, "
            "priority, title, actor, at, and for a report event its queue row as the reader's "
            "queues show it (row) and which of the reader's queues hold it now, with its sort "
            "key there (queues) (shared.schemas.EventPublic)."
        ),
        json_schema_extra={"contentMediaType": "application/json"},
    )


EVENT_STREAM = ResponseSpec(
    data_container=StreamedEvent,
    media_type="text/event-stream",
    description="Server-sent events, one per event the caller may see, until the client "
    "disconnects or the session ends.",
    generate_examples=False,
)


class EventController(ApiController):
    path = "/api/v1/events"
    tags = ["events"]

    @get("/", responses={200: EVENT_STREAM})
    async def stream(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        unit: UnitDep,
        last_event_id: Annotated[
            int | None,
            # Litestar 2 drops a bound of 0 from an optional parameter's schema (it tests
            # the bound for truth): say it again for the document.
            Parameter(query="last_event_id", ge=0, le=MAX_EVENT_ID, schema_extra={"minimum": 0}),
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
