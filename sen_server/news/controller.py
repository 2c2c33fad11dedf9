"""HTTP: /api/v1/news (public affairs) and /api/v1/reports/{id}/news (a report's
coverage, for anyone who may read the report; stories they may not read are left out)."""

from typing import Annotated

from litestar import delete, get, post
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import ONE_OBJECT, ApiController
from sen_server.http.params import WindowDep
from sen_server.news import service
from sen_server.news.policy import may_track_news
from sen_server.news.service import NewsFilters
from sen_server.reports.controller import Limit, ReportId
from shared.enums import AuditAction
from shared.news import MAX_OUTLET, NewsLinkCreate, NewsPage, NewsStoryPublic, StoryCoverage

NewsId = Annotated[str, Parameter(max_length=32, pattern=r"^NEWS-\d{4}-\d{6,}$")]
Outlet = Annotated[str | None, Parameter(max_length=MAX_OUTLET, description="one outlet, any case")]
Cursor = Annotated[str | None, Parameter(max_length=200, description="next_cursor of a page")]


class NewsController(ApiController):
    path = "/api/v1/news"
    tags = ["news"]
    guards = [allowed_by(may_track_news, "Only public affairs tracks news stories.")]

    @get("/", opt={"audit_action": AuditAction.NEWS_LIST})
    async def index(
        self,
        caller: CallerDep,
        unit: UnitDep,
        window: WindowDep,
        outlet: Outlet = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> NewsPage:
        """Stories newest first by publication time; ``outlet`` (any case) and
        ``since``/``until`` (publication time) filter, ``cursor`` pages on."""
        filters = NewsFilters(outlet, window.since, window.until, cursor, limit)
        return await service.list_stories(unit, caller, filters)

    @get("/outlets", opt={"audit_action": AuditAction.NEWS_OUTLETS})
    async def outlets(self, caller: CallerDep, unit: UnitDep) -> list[str]:
        """The outlets of the stories the caller may read, for a filter to offer."""
        return await service.outlets(unit, caller)

    @get("/{news_id:str}", opt={"audit_action": AuditAction.NEWS_VIEW}, responses=ONE_OBJECT)
    async def story(self, caller: CallerDep, unit: UnitDep, news_id: NewsId) -> NewsStoryPublic:
        """One story and the reports it is linked to that the caller may read."""
        return await service.get_story(unit, caller, news_id)

    @post(
        "/{news_id:str}/links",
        status_code=HTTP_200_OK,
        opt={"audit_action": AuditAction.NEWS_LINK},
        responses=ONE_OBJECT,
    )
    async def link(
        self, caller: CallerDep, unit: UnitDep, news_id: NewsId, data: JSONBody[NewsLinkCreate]
    ) -> NewsStoryPublic:
        """Link the story to a report the caller may read; answers the story as it now is."""
        return await service.link_report(unit, caller, news_id, data.report_id)

    @delete(
        "/{news_id:str}/links/{report_id:str}",
        status_code=HTTP_200_OK,
        opt={"audit_action": AuditAction.NEWS_UNLINK},
        responses=ONE_OBJECT,
    )
    async def unlink(
        self, caller: CallerDep, unit: UnitDep, news_id: NewsId, report_id: ReportId
    ) -> NewsStoryPublic:
        """Unlink a report from the story; answers the story as it now is."""
        return await service.unlink_report(unit, caller, news_id, report_id)


class ReportCoverageController(ApiController):
    path = "/api/v1/reports/{report_id:str}/news"
    tags = ["reports", "news"]
    errors = (404,)

    @get("/", opt={"audit_action": AuditAction.REPORT_NEWS})
    async def coverage(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId
    ) -> StoryCoverage:
        """The news stories linked to the report that the caller may read."""
        return await service.report_coverage(unit, caller, report_id)
