"""Reports and their report types: reading, writing, sending, reviewing, following up."""

from datetime import UTC, datetime

from sen_tui.api.base import ApiBase, query
from shared.fields import Catalogue, ReportTypeSpec
from shared.schemas import (
    AmendRequest,
    DeliveryPublic,
    DispositionUpdate,
    Page,
    ReportCreate,
    ReportPublic,
    ReportStart,
    ReportSummary,
    ReportUpdate,
    ReportVersionPublic,
)


class ReportsApi(ApiBase):
    async def catalogue(self) -> Catalogue:
        return await self._get("/report-types", Catalogue)

    async def report_type(self, code: str) -> ReportTypeSpec:
        """One type as configured now (its review rule may have changed since sign-in)."""
        return await self._get(f"/report-types/{code}", ReportTypeSpec)

    async def search_reports(
        self,
        q: str = "",
        *,
        type: str | None = None,
        status: str | None = None,
        priority: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[ReportSummary]:
        """Reports the user may read whose title or narrative holds every word of ``q``,
        changed at or after ``since`` if given."""
        params = query(
            q=q.strip() or None,
            type=type,
            status=status,
            priority=priority,
            since=since.astimezone(UTC) if since else None,
            offset=offset,
            limit=limit,
        )
        data = await self._call("GET", "/reports", params=params)
        return Page[ReportSummary].model_validate(data)

    async def new_report(self, code: str) -> ReportStart:
        """What a new report of type ``code`` starts with, as the server fills it in."""
        return await self._get("/reports/new", ReportStart, type=code)

    async def report(self, report_id: str) -> ReportPublic:
        return await self._get(f"/reports/{report_id}", ReportPublic)

    async def create_report(self, data: ReportCreate) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_unset=True)
        return await self._post("/reports", ReportPublic, payload)

    async def update_report(self, report_id: str, data: ReportUpdate) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_unset=True)
        result = await self._call("PATCH", f"/reports/{report_id}", json=payload)
        return ReportPublic.model_validate(result)

    async def delete_report(self, report_id: str, base_revision: int) -> None:
        await self._call(
            "DELETE", f"/reports/{report_id}", params=query(base_revision=base_revision)
        )

    async def submit(self, report_id: str, base_revision: int, *, review: bool) -> ReportPublic:
        action = "request-review" if review else "submit"
        payload = {"base_revision": base_revision}
        return await self._post(f"/reports/{report_id}/{action}", ReportPublic, payload)

    async def decide_review(
        self, report_id: str, base_revision: int, *, approve: bool, comment: str | None
    ) -> ReportPublic:
        action = "approve" if approve else "return"
        payload = {"base_revision": base_revision, "comment": comment}
        return await self._post(f"/reports/{report_id}/{action}", ReportPublic, payload)

    async def amend(self, report_id: str, data: AmendRequest) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_unset=True)
        return await self._post(f"/reports/{report_id}/amend", ReportPublic, payload)

    async def close_report(self, report_id: str, base_revision: int) -> ReportPublic:
        payload = {"base_revision": base_revision}
        return await self._post(f"/reports/{report_id}/close", ReportPublic, payload)

    async def set_disposition(self, report_id: str, data: DispositionUpdate) -> ReportPublic:
        payload = data.model_dump(mode="json", exclude_none=True)
        return await self._post(f"/reports/{report_id}/disposition", ReportPublic, payload)

    async def versions(self, report_id: str) -> list[ReportVersionPublic]:
        return await self._get_as(f"/reports/{report_id}/versions", list[ReportVersionPublic])

    async def acknowledge(self, report_id: str) -> DeliveryPublic:
        return await self._post(f"/reports/{report_id}/acknowledge", DeliveryPublic)

    async def routing(self, report_id: str) -> list[DeliveryPublic]:
        return await self._get_as(f"/reports/{report_id}/routing", list[DeliveryPublic])
