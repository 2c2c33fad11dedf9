"""Administration: the workflow rules (SPEC §3, §4), accounts and offices (SPEC §1, §10)."""

from typing import Any

from sen_tui.api.base import ApiBase
from shared.admin import AdminUserPublic, OfficePublic, PasswordIssued, UserCreated
from shared.enums import ReportType
from shared.fields import ReviewPolicy
from shared.schemas import Page


class AdminApi(ApiBase):
    async def routing_rules(self) -> dict[str, list[str]]:
        """Each report type's routing targets, as stored."""
        return await self._get_as("/admin/routing-rules", dict[str, list[str]])

    async def set_routing_rule(
        self, report_type: ReportType, targets: list[str]
    ) -> dict[str, list[str]]:
        """Replace one type's routing targets; answers with every type's targets as stored."""
        data = await self._call("PUT", f"/admin/routing-rules/{report_type}", json=targets)
        return {str(k): list(v) for k, v in data.items()}

    async def review_rules(self) -> dict[str, ReviewPolicy]:
        """Each report type's review policy, as stored."""
        return await self._get_as("/admin/review-rules", dict[str, ReviewPolicy])

    async def set_review_rule(
        self, report_type: ReportType, policy: ReviewPolicy
    ) -> dict[str, ReviewPolicy]:
        """Change one type's review policy; answers with every type's policy as it now is."""
        data = await self._call("PUT", f"/admin/review-rules/{report_type}", json=policy.value)
        return {ReportType(k): ReviewPolicy(v) for k, v in data.items()}


class AccountsApi(ApiBase):
    """Accounts and offices (``/admin/users``, ``/admin/offices``; administrators only)."""

    async def admin_users(self, q: str = "", offset: int = 0) -> Page[AdminUserPublic]:
        return await self._get("/admin/users", Page[AdminUserPublic], q=q, offset=offset)

    async def add_user(self, payload: dict[str, Any]) -> UserCreated:
        """The new account and its temporary password (shown once)."""
        return await self._post("/admin/users", UserCreated, payload)

    async def update_user(self, username: str, changes: dict[str, Any]) -> AdminUserPublic:
        data = await self._call("PATCH", f"/admin/users/{username}", json=changes)
        return AdminUserPublic.model_validate(data)

    async def user_action(self, username: str, action: str) -> AdminUserPublic:
        """``disable``, ``enable`` or ``unlock``."""
        return await self._post(f"/admin/users/{username}/{action}", AdminUserPublic)

    async def reset_password(self, username: str) -> PasswordIssued:
        return await self._post(f"/admin/users/{username}/password-reset", PasswordIssued)

    async def admin_offices(self) -> list[OfficePublic]:
        return await self._get_as("/admin/offices", list[OfficePublic])

    async def add_office(self, payload: dict[str, Any]) -> OfficePublic:
        return await self._post("/admin/offices", OfficePublic, payload)

    async def update_office(self, code: str, changes: dict[str, Any]) -> OfficePublic:
        data = await self._call("PATCH", f"/admin/offices/{code}", json=changes)
        return OfficePublic.model_validate(data)

    async def retire_office(self, code: str) -> None:
        await self._call("DELETE", f"/admin/offices/{code}")
