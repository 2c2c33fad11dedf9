"""Administration: the workflow rules an administrator reads and changes (SPEC §3, §4)."""

from sen_tui.api.base import ApiBase
from shared.enums import ReportType
from shared.fields import ReviewPolicy


class AdminApi(ApiBase):
    async def routing_rules(self) -> dict[str, list[str]]:
        """Each report type's routing targets, as stored."""
        return await self._get_as("/admin/routing-rules", dict[str, list[str]])

    async def review_rules(self) -> dict[str, ReviewPolicy]:
        """Each report type's review policy, as stored."""
        return await self._get_as("/admin/review-rules", dict[str, ReviewPolicy])

    async def set_review_rule(
        self, report_type: ReportType, policy: ReviewPolicy
    ) -> dict[str, ReviewPolicy]:
        """Change one type's review policy; answers with every type's policy as it now is."""
        data = await self._call("PUT", f"/admin/review-rules/{report_type}", json=policy.value)
        return {ReportType(k): ReviewPolicy(v) for k, v in data.items()}
