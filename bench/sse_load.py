"""Many server-sent-event streams held open by one process: which stream got which event,
and when.

Each stream is an asyncio task reading ``aconnect_sse`` (httpx + httpx-sse, as sen_tui's
own client reads SEN's stream) and noting the ``time.monotonic()`` at which each event was
decoded, keyed by what the caller picks out of its JSON (a report id). Nothing else is done
per event, so that a delay seen is the server's and the transport's, plus this process's
own decoding of the other streams' copies — which a baseline read by the same pool, in the
same run, pays alike.

A stream counts as open when its first data-less message arrives (SEN's ``connected``
comment, with the stream's start position): from then on it cannot miss an event.
"""

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import aconnect_sse

OPENING_AT_ONCE = 50  # streams being opened at a time: a reconnect storm is not the subject
READ_TIMEOUT = 60.0  # above the 15 s heartbeat both servers send
OPEN_SECONDS = 180.0  # for one group of streams to be open: a bound, not an expectation


@dataclass(frozen=True)
class Receipt:
    at: float  # time.monotonic() when the event was decoded
    payload: dict[str, Any]
    size: int  # characters of its data


@dataclass
class Stream:
    index: int
    account: str  # who reads it ("" for the baseline's anonymous streams)
    headers: dict[str, str]
    connected_at: float | None = None
    received: dict[str, Receipt] = field(default_factory=dict)  # first copy per key
    error: str = ""


Key = Callable[[dict[str, Any]], str | None]


class StreamPool:
    """Streams of one server, opened in groups and closed together."""

    def __init__(self, base_url: str, path: str, key: Key) -> None:
        self.path = path
        self.key = key
        self.streams: list[Stream] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._opening = asyncio.Semaphore(OPENING_AT_ONCE)
        self._closing = False
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(30.0, read=READ_TIMEOUT),
            # httpx allows 100 connections by default; every stream holds one.
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
        )

    async def open(self, readers: Sequence[tuple[str, dict[str, str]]]) -> float:
        """Open one more stream per (account, headers) and return the seconds it took once
        each is open (or has failed: see ``failed``)."""
        began = time.monotonic()
        new = [
            Stream(len(self.streams) + i, account, headers)
            for i, (account, headers) in enumerate(readers)
        ]
        self.streams += new
        started = [asyncio.Event() for _ in new]
        self._tasks += [
            asyncio.create_task(self._read(stream, ready))
            for stream, ready in zip(new, started, strict=True)
        ]
        try:
            async with asyncio.timeout(OPEN_SECONDS):
                await asyncio.gather(*(ready.wait() for ready in started))
        except TimeoutError:
            waiting = sum(not ready.is_set() for ready in started)
            late = f"{waiting} of {len(new)} streams not open after {OPEN_SECONDS:.0f} s"
            raise RuntimeError(late) from None
        return time.monotonic() - began

    @property
    def failed(self) -> list[Stream]:
        return [s for s in self.streams if s.error]

    def receipts(self, key: str) -> list[tuple[Stream, Receipt]]:
        return [(s, s.received[key]) for s in self.streams if key in s.received]

    async def settle(self, key: str, *, quiet: float, limit: float) -> None:
        """Wait until no stream has received ``key`` for ``quiet`` seconds after the last
        one that did, or ``limit`` seconds in all. Waiting reads nothing: the streams note
        their own times."""
        began = time.monotonic()
        while (now := time.monotonic()) - began < limit:
            times = [r.at for _, r in self.receipts(key)]
            if times and now - max(times) >= quiet:
                return
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._client.aclose()

    async def _read(self, stream: Stream, ready: asyncio.Event) -> None:
        await self._opening.acquire()  # released once open (or failed), not at the end
        opening = True

        def opened() -> None:
            nonlocal opening
            if opening:
                opening = False
                self._opening.release()
                ready.set()

        try:
            async with aconnect_sse(
                self._client, "GET", self.path, headers=stream.headers
            ) as source:
                if not source.response.is_success:
                    body = (await source.response.aread())[:200]
                    stream.error = f"HTTP {source.response.status_code}: {body!r}"
                    return
                async for sse in source.aiter_sse():
                    now = time.monotonic()
                    if not sse.data:  # "connected" (a "ping" has no fields and never shows)
                        stream.connected_at = stream.connected_at or now
                        opened()
                        continue
                    payload = json.loads(sse.data)
                    key = self.key(payload)
                    if key is not None and key not in stream.received:
                        stream.received[key] = Receipt(now, payload, len(sse.data))
            if not self._closing:
                stream.error = "the server ended the stream"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noted per stream; the run reports how many failed
            stream.error = repr(exc)[:300]
        finally:
            opened()  # a stream that failed is done opening too
