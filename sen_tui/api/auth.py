"""Signing in and out, the Rules of Behavior, passwords, and who the user is (``/me``)."""

import contextlib

from sen_tui.api.base import ApiBase, ClientError
from shared.schemas import LoginResponse, MePublic, RulesPublic, SystemNotice


class AuthApi(ApiBase):
    async def notice(self) -> SystemNotice:
        return await self._get("/auth/notice", SystemNotice)

    async def login(self, username: str, password: str) -> LoginResponse:
        payload = {"username": username, "password": password}
        login = await self._post("/auth/login", LoginResponse, payload)
        self.token = login.token
        return login

    async def logout(self) -> None:
        try:
            await self._call("POST", "/auth/logout")
        finally:
            self.token = None

    async def revoke(self, token: str) -> None:
        """End another session of ours (the one an unlock replaced); best effort."""
        with contextlib.suppress(ClientError):  # else it expires on the server
            await self._call("POST", "/auth/logout", headers={"Authorization": f"Bearer {token}"})

    async def rules(self) -> RulesPublic:
        return await self._get("/auth/rules", RulesPublic)

    async def acknowledge_rules(self, version: str) -> MePublic:
        return await self._post("/auth/rules-acknowledgment", MePublic, {"version": version})

    async def change_password(self, current: str, new: str) -> MePublic:
        payload = {"current_password": current, "new_password": new}
        return await self._post("/auth/password", MePublic, payload)

    async def me(self) -> MePublic:
        """The user, and the workspaces and queues the server offers them."""
        return await self._get("/me", MePublic)
