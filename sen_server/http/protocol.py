"""The HTTP/1.1 protocol the server speaks: uvicorn's h11 protocol, with bounds.

uvicorn picks httptools when it is installed, which accepts request headers of any size
(32 MiB were taken in one probe), and neither of its protocols limits how long a client may
take to send them: a thousand connections that never finish their headers were held open
forever. Here the headers of a request are bounded in size (h11's own limit: a 431/400
beyond it) and in time: a connection that has not sent a complete request head within
``HEADER_SECONDS`` of opening, or of starting its next request, is closed.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEADER_BYTES = 64 * 1024
HEADER_SECONDS = 10.0


class BoundedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm()

    def data_received(self, data: bytes) -> None:
        waiting_for_head = self.cycle is None or self.cycle.response_complete
        if waiting_for_head and self._head_deadline is None:
            self._arm()  # the first bytes of the next request on a kept-alive connection
        before = self.cycle
        super().data_received(data)
        if self.cycle is not None and self.cycle is not before:
            self._disarm()  # a complete request head arrived

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(HEADER_SECONDS, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()
