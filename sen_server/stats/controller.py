"""HTTP: /api/v1/stats — counts of reports or disseminations, as JSON or CSV (SPEC §7)."""

from datetime import date
from typing import Annotated

from litestar import Response, get
from litestar.params import Parameter

from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import ApiController, error_responses
from sen_server.stats import service
from sen_server.stats.export import stats_csv
from sen_server.stats.policy import may_read_stats
from sen_server.stats.service import StatsRequest
from shared.enums import Program, ReportType
from shared.periods import Bucket
from shared.stats import Dimension, StatsPublic

Code = Annotated[str | None, Parameter(max_length=40, pattern=r"^[A-Z0-9-]+$")]
Day = Annotated[date | None, Parameter(description="a day, e.g. 2026-10-01 (inclusive)")]


class StatsController(ApiController):
    path = "/api/v1/stats"
    tags = ["statistics"]
    guards = [
        allowed_by(
            may_read_stats,
            "Statistics are for statisticians, public affairs, office managers and HQ agents.",
        )
    ]

    @get("/", opt={"audit_action": service.STATS_READ}, responses=error_responses(403))
    async def index(
        self,
        caller: CallerDep,
        unit: UnitDep,
        group_by: Dimension = Dimension.TYPE,
        bucket: Bucket = Bucket.MONTH,
        since: Day = None,
        until: Day = None,
        type: ReportType | None = None,
        office: Code = None,
        aor: Code = None,
        program: Program | None = None,
        suppress: bool = False,
    ) -> StatsPublic:
        """Counts of reports per period and per value of ``group_by``, within what the
        caller may count. ``suppress`` shows counts of 1-4 as "<5" and leaves them out of
        every total. ``group_by=dissemination`` counts intelligence disseminations by
        channel instead (statisticians and public affairs; no report filter applies)."""
        request = StatsRequest(group_by, bucket, since, until, type, office, aor, program, suppress)
        return await service.count_reports(unit, caller, request)

    @get(
        "/export.csv",
        opt={"audit_action": service.STATS_EXPORT},
        media_type="text/csv; charset=utf-8",
        responses=error_responses(403),
    )
    async def export(
        self,
        caller: CallerDep,
        unit: UnitDep,
        group_by: Dimension = Dimension.TYPE,
        bucket: Bucket = Bucket.MONTH,
        since: Day = None,
        until: Day = None,
        type: ReportType | None = None,
        office: Code = None,
        aor: Code = None,
        program: Program | None = None,
        suppress: bool = True,
    ) -> Response[str]:
        """The same counts as CSV, small cells suppressed unless ``suppress=false``."""
        request = StatsRequest(group_by, bucket, since, until, type, office, aor, program, suppress)
        answer = await service.count_reports(unit, caller, request, action=service.STATS_EXPORT)
        return Response(
            stats_csv(answer),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="sen-statistics.csv"'},
        )
