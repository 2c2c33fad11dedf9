"""IROC summaries: the composer's picker and lists, drafts, sending and the sent record
(SPEC §5)."""

from sen_tui.api.base import ApiBase
from shared.summaries import (
    DistributionListRef,
    Paragraph,
    SummaryCandidate,
    SummaryListItem,
    SummaryPublic,
)


class SummariesApi(ApiBase):
    async def summary_candidates(self, hours: int = 24) -> list[SummaryCandidate]:
        """IROC reports submitted in the last ``hours``, newest first."""
        return await self._get_as("/summaries/candidates", list[SummaryCandidate], hours=hours)

    async def summary_lists(self) -> list[DistributionListRef]:
        return await self._get_as("/summaries/lists", list[DistributionListRef])

    async def summaries(self) -> list[SummaryListItem]:
        return await self._get_as("/summaries", list[SummaryListItem])

    async def summary(self, summary_id: int) -> SummaryPublic:
        return SummaryPublic.model_validate(await self._call("GET", f"/summaries/{summary_id}"))

    async def create_summary(
        self, report_ids: list[str], spear_confirmed: list[str], list_ids: list[int]
    ) -> SummaryPublic:
        payload = {
            "report_ids": report_ids,
            "spear_confirmed": spear_confirmed,
            "list_ids": list_ids,
        }
        return await self._post("/summaries", SummaryPublic, payload)

    async def update_summary(
        self, summary: SummaryPublic, paragraphs: list[Paragraph], list_ids: list[int]
    ) -> SummaryPublic:
        payload = {
            "base_revision": summary.revision,
            "paragraphs": [p.model_dump() for p in paragraphs],
            "list_ids": list_ids,
        }
        data = await self._call("PATCH", f"/summaries/{summary.id}", json=payload)
        return SummaryPublic.model_validate(data)

    async def send_summary(self, summary: SummaryPublic) -> SummaryPublic:
        payload = {"base_revision": summary.revision}
        return await self._post(f"/summaries/{summary.id}/send", SummaryPublic, payload)

    async def retry_summary(self, summary_id: int) -> SummaryPublic:
        return await self._post(f"/summaries/{summary_id}/retry", SummaryPublic)
