"""Intelligence (SPEC §6): lead triage, products, agencies, disseminations, disclosures."""

from typing import Any

from sen_tui.api.base import ApiBase
from shared.intel import (
    AgencyPublic,
    DisclosurePublic,
    ExportChannel,
    LeadListPublic,
    ProductPublic,
    ProductSummary,
    PutBack,
    TriageChangePublic,
    TriageState,
)


class IntelApi(ApiBase):
    async def leads(self, state: TriageState | None = None) -> LeadListPublic:
        return await self._get("/intel/leads", LeadListPublic, state=state)

    async def triage(self, report_id: str, state: TriageState, note: str) -> TriageChangePublic:
        payload = {"state": state.value, "note": note}
        return await self._post(f"/intel/leads/{report_id}/triage", TriageChangePublic, payload)

    async def products(self) -> list[ProductSummary]:
        return await self._get_as("/intel/products", list[ProductSummary])

    async def product(self, product_id: int) -> ProductPublic:
        return await self._get(f"/intel/products/{product_id}", ProductPublic)

    async def create_product(
        self, lead_ids: list[str], title: str, summary: str = "", caveats: str = ""
    ) -> ProductPublic:
        payload = {"lead_ids": lead_ids, "title": title, "summary": summary, "caveats": caveats}
        return await self._post("/intel/products", ProductPublic, payload)

    async def put_back(self, product: ProductPublic, put_back: PutBack) -> ProductPublic:
        """Put one more removed field back (with its justification); voids an authorization."""
        kept = [
            {"report_id": p.report_id, "field": p.field, "justification": p.justification}
            for p in product.put_backs
        ]
        payload: dict[str, Any] = {
            "base_revision": product.revision,
            "put_backs": [*kept, put_back.model_dump()],
        }
        data = await self._call("PATCH", f"/intel/products/{product.id}", json=payload)
        return ProductPublic.model_validate(data)

    async def authorize(self, product: ProductPublic) -> ProductPublic:
        payload = {"base_revision": product.revision}
        return await self._post(f"/intel/products/{product.id}/authorize", ProductPublic, payload)

    async def agencies(self) -> list[AgencyPublic]:
        return await self._get_as("/admin/agencies", list[AgencyPublic])

    async def disseminate(
        self, product: ProductPublic, agency_id: int, purpose: str, channel: ExportChannel
    ) -> DisclosurePublic:
        payload = {
            "base_revision": product.revision,
            "agency_id": agency_id,
            "purpose": purpose,
            "channel": channel.value,
        }
        path = f"/intel/products/{product.id}/disseminations"
        return await self._post(path, DisclosurePublic, payload)

    async def disclosures(
        self, *, report_id: str | None = None, a_number: str | None = None, name: str | None = None
    ) -> list[DisclosurePublic]:
        return await self._get_as(
            "/disclosures",
            list[DisclosurePublic],
            report_id=report_id,
            a_number=a_number,
            name=name,
        )
