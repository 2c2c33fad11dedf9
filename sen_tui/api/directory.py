"""The directory: users and offices, to pick recipients by name."""

from sen_tui.api.base import ApiBase
from shared.schemas import OfficeRef, UserRef


class DirectoryApi(ApiBase):
    async def users(self, query: str) -> list[UserRef]:
        return await self._get_as("/users", list[UserRef], q=query)

    async def offices(self) -> list[OfficeRef]:
        return await self._get_as("/offices", list[OfficeRef])
