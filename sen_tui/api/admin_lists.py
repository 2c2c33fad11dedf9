"""Distribution lists and outside agencies as an administrator manages them
(``/admin/distribution-lists``, ``/admin/agencies``; SPEC §5, §6). Listing agencies is
``IntelApi.agencies``, which the analysts' dissemination dialog uses too."""

from typing import Any

from sen_tui.api.base import ApiBase
from shared.intel import AgencyPublic
from shared.summaries import DistributionListPublic


class AdminListsApi(ApiBase):
    async def distribution_lists(self) -> list[DistributionListPublic]:
        """Every list, retired ones included."""
        return await self._get_as("/admin/distribution-lists", list[DistributionListPublic])

    async def add_distribution_list(
        self, name: str, addresses: list[str]
    ) -> DistributionListPublic:
        payload = {"name": name, "addresses": addresses}
        return await self._post("/admin/distribution-lists", DistributionListPublic, payload)

    async def update_distribution_list(
        self, list_id: int, changes: dict[str, Any]
    ) -> DistributionListPublic:
        """Rename (``name``), change members (``addresses``), or both."""
        data = await self._call("PATCH", f"/admin/distribution-lists/{list_id}", json=changes)
        return DistributionListPublic.model_validate(data)

    async def retire_distribution_list(self, list_id: int) -> DistributionListPublic:
        return await self._post(
            f"/admin/distribution-lists/{list_id}/retire", DistributionListPublic
        )

    async def add_agency(self, payload: dict[str, str]) -> AgencyPublic:
        """``name``, ``address``, ``email`` and ``certificate_pem`` (the PEM text)."""
        return await self._post("/admin/agencies", AgencyPublic, payload)

    async def update_agency(self, agency_id: int, changes: dict[str, str]) -> AgencyPublic:
        """Any of ``name``, ``address``, ``email``, ``certificate_pem`` (a new certificate)."""
        data = await self._call("PATCH", f"/admin/agencies/{agency_id}", json=changes)
        return AgencyPublic.model_validate(data)

    async def remove_agency(self, agency_id: int) -> None:
        await self._call("DELETE", f"/admin/agencies/{agency_id}")
