"""The live event stream (``GET /api/v1/events``, server-sent events)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic import ValidationError

from sen_tui.api.base import API, ApiBase, ServerUnreachable, error_from
from shared.schemas import EventPublic


@dataclass(frozen=True)
class StreamPosition:
    """A data-less message with an ``id:``: where in the event sequence the stream is."""

    id: int


class EventsApi(ApiBase):
    @asynccontextmanager
    async def events(
        self, last_event_id: int | None
    ) -> AsyncIterator[AsyncIterator[EventPublic | StreamPosition]]:
        """The live event stream; replays what came after ``last_event_id`` first."""
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        timeout = httpx.Timeout(
            self.settings.request_timeout_seconds, read=self.settings.event_read_timeout_seconds
        )
        try:
            async with aconnect_sse(
                self._http, "GET", API + "/events", headers=headers, timeout=timeout
            ) as source:
                if not source.response.is_success:
                    await source.response.aread()
                    raise error_from(source.response)
                yield self._decode(source.aiter_sse())
        except (httpx.TransportError, SSEError) as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc

    async def _decode(
        self, stream: AsyncIterator[Any]
    ) -> AsyncIterator[EventPublic | StreamPosition]:
        try:
            async for sse in stream:
                if not sse.data:
                    if sse.id.isdigit():
                        yield StreamPosition(int(sse.id))
                    continue
                try:
                    yield EventPublic.model_validate_json(sse.data)
                except ValidationError:
                    continue  # a kind this client does not know yet: not fatal
        except (httpx.TransportError, SSEError) as exc:
            raise ServerUnreachable(self._unreachable(exc)) from exc
