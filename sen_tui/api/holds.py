"""Legal holds (SPEC §8): listed, placed and lifted by administrators, each with a reason."""

from sen_tui.api.base import ApiBase
from shared.retention import LegalHoldLift, LegalHoldPublic
from shared.schemas import Page


class HoldsApi(ApiBase):
    async def legal_holds(self, *, active_only: bool = True) -> list[LegalHoldPublic]:
        """Holds, newest first (the first page: a few hundred at most are ever in force)."""
        page = await self._get_as(
            "/admin/holds", Page[LegalHoldPublic], active=str(active_only).lower(), limit=500
        )
        return page.items

    async def place_hold(self, report_id: str, reason: str) -> LegalHoldPublic:
        # Sent as typed: the server checks the ID and names what is wrong with it.
        payload = {"report_id": report_id, "reason": reason}
        return await self._post("/admin/holds", LegalHoldPublic, payload)

    async def lift_hold(self, hold_id: int, reason: str) -> LegalHoldPublic:
        payload = LegalHoldLift(reason=reason).model_dump()
        return await self._post(f"/admin/holds/{hold_id}/lift", LegalHoldPublic, payload)
