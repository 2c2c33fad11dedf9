"""HTTP: /api/v1/report-types and /api/v1/reports/*."""

from datetime import datetime
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from sen_server.caller import CallerDep, runtime_of
from sen_server.errors import validation_failed
from sen_server.reports import service
from sen_server.reports.listing import ReportFilters, list_reports
from sen_server.unit import UnitOfWork
from shared.catalogue import CATALOGUE
from shared.enums import Priority, ReportStatus, ReportType
from shared.fields import Catalogue
from shared.schemas import (
    MAX_PAGE,
    AmendRequest,
    FieldError,
    Page,
    ReportCreate,
    ReportPublic,
    ReportSummary,
    ReportUpdate,
    ReportVersionPublic,
    ReviewDecision,
    VersionedAction,
)

# Sequences are zero-padded to six digits and grow past them (reports.ids).
ReportId = Annotated[str, Parameter(max_length=32, pattern=r"^[A-Z_]+-\d{4}-\d{6,}$")]
Offset = Annotated[int, Parameter(ge=0, le=10_000_000)]
Limit = Annotated[int, Parameter(ge=1, le=MAX_PAGE)]


def _require_offset(event_at: datetime | None) -> None:
    """A time without a UTC offset would have to be guessed at: ask for one (not a 500)."""
    if event_at is not None and event_at.utcoffset() is None:
        message = "must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T14:30:00Z"
        raise validation_failed([FieldError(field="event_at", message=message)])


class ReportTypesController(Controller):
    path = "/api/v1/report-types"
    tags = ["reports"]

    @get("/", sync_to_thread=False)
    def catalogue(self, caller: CallerDep) -> Catalogue:
        """Every report type with its fields, labels, enums, required flags, PII tags."""
        return CATALOGUE


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self, state: State, caller: CallerDep, data: JSONBody[ReportCreate]
    ) -> ReportPublic:
        _require_offset(data.event_at)
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.create_report(unit, caller, data)

    @get("/")
    async def index(
        self,
        state: State,
        caller: CallerDep,
        type: ReportType | None = None,
        status: ReportStatus | None = None,
        priority: Priority | None = None,
        mine: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
        q: Annotated[str, Parameter(max_length=200)] = "",
        offset: Offset = 0,
        limit: Limit = 50,
    ) -> Page[ReportSummary]:
        """Reports the caller may read; q searches titles and narratives (all words)."""
        filters = ReportFilters(type, status, priority, mine, since, until, q)
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await list_reports(unit, caller, filters, offset, limit)

    @get("/{report_id:str}")
    async def detail(self, state: State, caller: CallerDep, report_id: ReportId) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await service.view_report(unit, caller, report_id)

    @patch("/{report_id:str}")
    async def update(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[ReportUpdate]
    ) -> ReportPublic:
        _require_offset(data.event_at)
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.update_report(unit, caller, report_id, data)

    @delete("/{report_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def remove(
        self,
        state: State,
        caller: CallerDep,
        report_id: ReportId,
        base_version: Annotated[int, Parameter(ge=1)],
    ) -> None:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            await service.delete_report(unit, caller, report_id, base_version)

    @post("/{report_id:str}/submit", status_code=HTTP_200_OK)
    async def submit(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[VersionedAction]
    ) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.submit_report(
                unit, caller, report_id, data.base_version, review=False
            )

    @post("/{report_id:str}/request-review", status_code=HTTP_200_OK)
    async def request_review(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[VersionedAction]
    ) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.submit_report(
                unit, caller, report_id, data.base_version, review=True
            )

    @post("/{report_id:str}/approve", status_code=HTTP_200_OK)
    async def approve(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[ReviewDecision]
    ) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.decide_review(
                unit, caller, report_id, data.base_version, approve=True, comment=data.comment
            )

    @post("/{report_id:str}/return", status_code=HTTP_200_OK)
    async def return_(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[ReviewDecision]
    ) -> ReportPublic:
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.decide_review(
                unit, caller, report_id, data.base_version, approve=False, comment=data.comment
            )

    @post("/{report_id:str}/amend", status_code=HTTP_200_OK)
    async def amend(
        self, state: State, caller: CallerDep, report_id: ReportId, data: JSONBody[AmendRequest]
    ) -> ReportPublic:
        _require_offset(data.event_at)
        async with UnitOfWork(runtime_of(state), caller.actor) as unit:
            return await service.amend_report(unit, caller, report_id, data)

    @get("/{report_id:str}/versions")
    async def versions(
        self, state: State, caller: CallerDep, report_id: ReportId
    ) -> list[ReportVersionPublic]:
        async with UnitOfWork(runtime_of(state), caller.actor, read_only=True) as unit:
            return await service.report_versions(unit, caller, report_id)
