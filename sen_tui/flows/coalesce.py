"""Work asked for often, done seldom: a burst of requests makes one run, a steady stream
one run per interval, and a run under way is never cancelled for a newer one (while
requests kept coming, none would ever finish)."""

import asyncio
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.worker import Worker


class Coalesced:
    def __init__(
        self,
        owner: MessagePump,
        start: Callable[[], Worker[None]],
        *,
        interval: float = 1.0,
        settle: float = 0.3,
    ) -> None:
        self._owner = owner
        self._start = start  # starts the work as a worker and returns it
        self._interval = interval  # at most one run per this many seconds
        self._settle = settle  # and not before a burst had this long to settle
        self._pending = False
        self._worker: Worker[None] | None = None
        self._started = float("-inf")

    @property
    def owed(self) -> bool:
        """A run is asked for and not yet started, or started and not yet finished."""
        return self._pending or (self._worker is not None and not self._worker.is_finished)

    def request(self) -> None:
        if self._pending:
            return
        self._pending = True
        due = self._started + self._interval - asyncio.get_running_loop().time()
        self._owner.set_timer(max(self._settle, due), self._fire)

    def _fire(self) -> None:
        self._pending = False
        if self._worker is not None and not self._worker.is_finished:
            self.request()  # it may have read before the change: once more after it
            return
        self._started = asyncio.get_running_loop().time()
        self._worker = self._start()
