"""HTTP: /api/v1/queues/*."""

from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import Parameter

from sen_server.caller import CallerDep, runtime_of
from sen_server.errors import ApiError
from sen_server.queues.service import Queue, QueueFilters, queue_counts, queue_page
from sen_server.unit import UnitOfWork
from shared.enums import Priority, ReportStatus, ReportType
from shared.schemas import MAX_PAGE, QueueCount, QueuePage


class QueueController(Controller):
    path = "/api/v1/queues"
    tags = ["queues"]

    @get("/counts")
    async def counts(self, state: State, caller: CallerDep) -> dict[str, QueueCount]:
        """Total and unread rows of each queue this caller has."""
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await queue_counts(unit, caller)

    @get("/{queue:str}")
    async def page(
        self,
        state: State,
        caller: CallerDep,
        queue: str,
        type: ReportType | None = None,
        status: ReportStatus | None = None,
        priority: Priority | None = None,
        office: Annotated[str | None, Parameter(max_length=40)] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        offset: Annotated[int, Parameter(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE)] = 50,
    ) -> QueuePage:
        """One page of a queue, newest first, with the unread count."""
        if queue not in Queue._value2member_map_:
            raise ApiError(404, "not_found", f"No such queue; try one of {', '.join(Queue)}.")
        filters = QueueFilters(type, status, priority, office, since, until)
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await queue_page(unit, caller, Queue(queue), filters, offset, limit)
