"""The live event stream (SPEC §4): one loop that follows GET /api/v1/events, reconnects
with backoff sending Last-Event-ID so that nothing is missed, and reports everything it
sees as Messages. The App runs it in its one exclusive worker (``SenApp.follow_live``).

httpx-sse has no reconnect of its own and a dropped stream surfaces as a transport error;
the read timeout (above the server's 15 s heartbeat) is what notices a silent dead link.
"""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from textual.message import Message

from sen_tui.api import ApiError, SenClient, ServerUnreachable, SessionEnded
from shared.schemas import EventPublic


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"  # the event stream is open
    RECONNECTING = "reconnecting"


class LiveEvent(Message):
    """Something changed on the server that this user may see."""

    def __init__(self, event: EventPublic) -> None:
        super().__init__()
        self.event = event


class ConnectionChanged(Message):
    def __init__(self, state: ConnectionState, detail: str = "") -> None:
        super().__init__()
        self.state = state
        self.detail = detail


class LiveSessionEnded(Message):
    """The server no longer accepts the token (idle timeout, revoked)."""


@dataclass
class Backoff:
    """Exponential backoff with jitter, so that restarted servers aren't stampeded."""

    first: float = 1.0
    cap: float = 30.0
    _next: float = field(default=0.0, init=False)

    def reset(self) -> None:
        self._next = 0.0

    def next_delay(self) -> float:
        self._next = self.first if self._next == 0 else min(self._next * 2, self.cap)
        return self._next * random.uniform(0.8, 1.2)


Post = Callable[[Message], object]


async def follow_events(
    client: SenClient,
    post: Post,
    *,
    backoff: Backoff | None = None,
) -> None:
    """Run until cancelled (or the session ends), posting what happens."""
    backoff = backoff or Backoff()
    last_id: int | None = None
    while True:
        try:
            async with client.events(last_id) as stream:
                post(ConnectionChanged(ConnectionState.LIVE))
                backoff.reset()
                async for item in stream:
                    last_id = max(item.id, last_id or 0)
                    if isinstance(item, EventPublic):
                        post(LiveEvent(item))
            detail = "the server closed the event stream"
        except SessionEnded:
            post(LiveSessionEnded())
            return
        except ApiError as exc:
            detail = exc.detail  # e.g. rules owed: try again later
        except ServerUnreachable as exc:
            detail = str(exc)
        delay = backoff.next_delay()
        post(
            ConnectionChanged(ConnectionState.RECONNECTING, f"{detail}; retrying in {delay:.0f} s")
        )
        await asyncio.sleep(delay)
