"""Statistics (SPEC §7): counts as JSON for the screen, as CSV for a file."""

from dataclasses import dataclass

import httpx

from sen_tui.api.base import API, ApiBase, ServerUnreachable, error_from, query
from shared.periods import Bucket
from shared.stats import Dimension, StatsPublic


@dataclass(frozen=True)
class StatsFilters:
    """What ``GET /api/v1/stats`` takes. Days are sent as typed: the server checks them
    and names the one it refuses."""

    group_by: Dimension = Dimension.TYPE
    bucket: Bucket = Bucket.MONTH
    since: str | None = None
    until: str | None = None
    type: str | None = None
    office: str | None = None
    program: str | None = None

    def params(self) -> dict[str, str]:
        return query(
            group_by=self.group_by.value,
            bucket=self.bucket.value,
            since=self.since,
            until=self.until,
            type=self.type,
            office=self.office,
            program=self.program,
        )


class StatsApi(ApiBase):
    async def stats(self, filters: StatsFilters) -> StatsPublic:
        data = await self._call("GET", "/stats", params=filters.params())
        return StatsPublic.model_validate(data)

    async def stats_csv(self, filters: StatsFilters) -> str:
        """The CSV export (small cells suppressed, as the server does by default)."""
        try:
            response = await self._http.get(API + "/stats/export.csv", params=filters.params())
        except httpx.TransportError as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc
        if not response.is_success:
            raise error_from(response)
        return response.text
