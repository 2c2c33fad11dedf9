"""News tracking (public affairs; SPEC §7): stories, their links to reports, and a
report's coverage."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sen_tui.api.base import ApiBase
from shared.news import NewsPage, NewsStoryPublic, StoryCoverage


@dataclass(frozen=True)
class NewsFilters:
    """The filters ``GET /api/v1/news`` takes; empty ones are left out."""

    outlet: str | None = None
    since: datetime | None = None  # publication time, inclusive
    until: datetime | None = None  # exclusive


class NewsApi(ApiBase):
    async def news(
        self, filters: NewsFilters, *, cursor: str | None = None, limit: int = 50
    ) -> NewsPage:
        """One page of stories, newest first by publication time."""
        return await self._get(
            "/news",
            NewsPage,
            outlet=filters.outlet,
            since=filters.since.astimezone(UTC) if filters.since else None,
            until=filters.until.astimezone(UTC) if filters.until else None,
            cursor=cursor,
            limit=limit,
        )

    async def news_outlets(self) -> list[str]:
        return await self._get_as("/news/outlets", list[str])

    async def news_story(self, news_id: str) -> NewsStoryPublic:
        return await self._get(f"/news/{news_id}", NewsStoryPublic)

    async def link_report(self, news_id: str, report_id: str) -> NewsStoryPublic:
        return await self._post(f"/news/{news_id}/links", NewsStoryPublic, {"report_id": report_id})

    async def unlink_report(self, news_id: str, report_id: str) -> NewsStoryPublic:
        data = await self._call("DELETE", f"/news/{news_id}/links/{report_id}")
        return NewsStoryPublic.model_validate(data)

    async def report_coverage(self, report_id: str) -> StoryCoverage:
        """The stories linked to a report that the user may read (SPEC §7)."""
        return await self._get(f"/reports/{report_id}/news", StoryCoverage)
