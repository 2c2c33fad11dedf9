"""HTTP: /api/v1/report-types and /api/v1/reports/*."""

from datetime import datetime
from typing import Annotated

from litestar import delete, get, patch, post
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from sen_server.errors import validation_failed
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.openapi import CHANGE_TO_ONE, ONE_OBJECT, ApiController, error_responses
from sen_server.http.params import WindowDep
from sen_server.reports import service, starting
from sen_server.reports.listing import ReportFilters, list_reports
from shared.enums import Priority, ReportStatus, ReportType
from shared.fields import Catalogue, ReportTypeSpec
from shared.schemas import (
    MAX_PAGE,
    MAX_VERSION,
    AmendRequest,
    BaseRevision,
    FieldError,
    Page,
    ReportCreate,
    ReportPublic,
    ReportStart,
    ReportSummary,
    ReportUpdate,
    ReportVersionPublic,
    ReviewDecision,
)

# Sequences are zero-padded to six digits and grow past them (reports.ids).
ReportId = Annotated[str, Parameter(max_length=32, pattern=r"^[A-Z_]+-\d{4}-\d{6,}$")]
TypeCode = Annotated[ReportType, Parameter(description="a report type code, e.g. SIR")]
Offset = Annotated[int, Parameter(ge=0, le=10_000_000)]
Limit = Annotated[int, Parameter(ge=1, le=MAX_PAGE)]


def _require_offset(event_at: datetime | None) -> None:
    """A time without a UTC offset would have to be guessed at: ask for one (not a 500)."""
    if event_at is not None and event_at.utcoffset() is None:
        message = "must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T14:30:00Z"
        raise validation_failed([FieldError(field="event_at", message=message)])


class ReportTypesController(ApiController):
    path = "/api/v1/report-types"
    tags = ["reports"]

    @get("/")
    async def catalogue(self, caller: CallerDep, unit: UnitDep) -> Catalogue:
        """Every report type with its fields, labels, enums, required flags, PII tags, and
        the review rule in force (admins change it; the client asks again when it needs it)."""
        return await service.served_catalogue(unit)

    @get("/{code:str}")
    async def report_type(self, caller: CallerDep, unit: UnitDep, code: TypeCode) -> ReportTypeSpec:
        """One report type, as ``GET /report-types`` serves it."""
        return await service.served_type(unit, code)


class ReportController(ApiController):
    path = "/api/v1/reports"
    tags = ["reports"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self, caller: CallerDep, unit: UnitDep, data: JSONBody[ReportCreate]
    ) -> ReportPublic:
        _require_offset(data.event_at)
        return await service.create_report(unit, caller, data)

    @get("/")
    async def index(
        self,
        caller: CallerDep,
        unit: UnitDep,
        window: WindowDep,
        type: ReportType | None = None,
        status: ReportStatus | None = None,
        priority: Priority | None = None,
        mine: bool = False,
        q: Annotated[str, Parameter(max_length=200)] = "",
        offset: Offset = 0,
        limit: Limit = 50,
    ) -> Page[ReportSummary]:
        """Reports the caller may read; q searches titles and narratives (all words)."""
        filters = ReportFilters(type, status, priority, mine, window.since, window.until, q)
        return await list_reports(unit, caller, filters, offset, limit)

    @get("/new", responses=error_responses(403))
    async def new(self, caller: CallerDep, unit: UnitDep, type: TypeCode) -> ReportStart:
        """A new report's starting values: the author's and their supervisor's contact
        blocks from their profiles, a SPOT's time now. 403 for a type the caller may not
        create. Nothing is stored until the report is created."""
        return await starting.starting_values(unit, caller, type)

    @get("/{report_id:str}", responses=ONE_OBJECT)
    async def detail(self, caller: CallerDep, unit: UnitDep, report_id: ReportId) -> ReportPublic:
        return await service.view_report(unit, caller, report_id)

    @patch("/{report_id:str}", responses=CHANGE_TO_ONE)
    async def update(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[ReportUpdate]
    ) -> ReportPublic:
        _require_offset(data.event_at)
        return await service.update_report(unit, caller, report_id, data)

    @delete("/{report_id:str}", status_code=HTTP_204_NO_CONTENT, responses=CHANGE_TO_ONE)
    async def remove(
        self,
        caller: CallerDep,
        unit: UnitDep,
        report_id: ReportId,
        base_revision: Annotated[int, Parameter(ge=1, le=MAX_VERSION)],
    ) -> None:
        await service.delete_report(unit, caller, report_id, base_revision)

    @post("/{report_id:str}/submit", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def submit(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[BaseRevision]
    ) -> ReportPublic:
        return await service.submit_report(
            unit, caller, report_id, data.base_revision, review=False
        )

    @post("/{report_id:str}/request-review", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def request_review(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[BaseRevision]
    ) -> ReportPublic:
        return await service.submit_report(unit, caller, report_id, data.base_revision, review=True)

    @post("/{report_id:str}/approve", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def approve(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[ReviewDecision]
    ) -> ReportPublic:
        return await service.decide_review(
            unit, caller, report_id, data.base_revision, approve=True, comment=data.comment
        )

    @post("/{report_id:str}/return", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def return_(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[ReviewDecision]
    ) -> ReportPublic:
        return await service.decide_review(
            unit, caller, report_id, data.base_revision, approve=False, comment=data.comment
        )

    @post("/{report_id:str}/amend", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def amend(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[AmendRequest]
    ) -> ReportPublic:
        _require_offset(data.event_at)
        return await service.amend_report(unit, caller, report_id, data)

    @get("/{report_id:str}/versions", responses=ONE_OBJECT)
    async def versions(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId
    ) -> list[ReportVersionPublic]:
        return await service.report_versions(unit, caller, report_id)
