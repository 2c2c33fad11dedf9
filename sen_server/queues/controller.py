"""HTTP: /api/v1/queues/*."""

from typing import Annotated

from litestar import get
from litestar.params import Parameter

from sen_server.errors import ApiError
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.openapi import ONE_OBJECT, ApiController
from sen_server.http.params import WindowDep
from sen_server.queues.cursor import MAX_CURSOR
from sen_server.queues.service import QueueFilters, queue_counts, queue_page
from shared.enums import Priority, QueueName, ReportStatus, ReportType
from shared.schemas import MAX_PAGE, QueueCount, QueuePage


class QueueController(ApiController):
    path = "/api/v1/queues"
    tags = ["queues"]

    @get("/counts")
    async def counts(self, caller: CallerDep, unit: UnitDep) -> dict[str, QueueCount]:
        """Total and unread rows of each queue this caller has."""
        return await queue_counts(unit, caller)

    @get("/{queue:str}", responses=ONE_OBJECT)
    async def page(
        self,
        caller: CallerDep,
        unit: UnitDep,
        window: WindowDep,
        queue: str,
        type: ReportType | None = None,
        status: ReportStatus | None = None,
        priority: Priority | None = None,
        office: Annotated[str | None, Parameter(max_length=40)] = None,
        cursor: Annotated[str | None, Parameter(max_length=MAX_CURSOR)] = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE)] = 50,
    ) -> QueuePage:
        """One page of a queue, newest first, with its (bounded) total and unread count;
        ``cursor`` is the previous page's ``next_cursor``."""
        if queue not in QueueName._value2member_map_:
            raise ApiError(404, "not_found", f"No such queue; try one of {', '.join(QueueName)}.")
        filters = QueueFilters(type, status, priority, office, window.since, window.until)
        return await queue_page(unit, caller, QueueName(queue), filters, cursor, limit)
