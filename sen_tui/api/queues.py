"""Queues (SPEC §4): which ones a user has comes from ``/me``; here, their pages and counts."""

from typing import Any

from sen_tui.api.base import ApiBase
from shared.enums import QueueName
from shared.schemas import QueueCount, QueuePage


class QueuesApi(ApiBase):
    async def queue(
        self, name: QueueName, *, cursor: str | None = None, limit: int = 50, **filters: Any
    ) -> QueuePage:
        """One page of a queue, newest first, with its unread count: the first page, or the
        one after ``cursor`` (a page's ``next_cursor``)."""
        if cursor is not None:
            filters["cursor"] = cursor
        return await self._get(f"/queues/{name}", QueuePage, limit=limit, **filters)

    async def queue_counts(self) -> dict[str, QueueCount]:
        """Totals and unread counts of each queue the user has."""
        return await self._get_as("/queues/counts", dict[str, QueueCount])
