"""Wake-ups for event streams: in-process after a local commit, and across instances
through PostgreSQL LISTEN/NOTIFY. A wake-up is only a hint to read the events table;
the table is the truth, so a lost notification delays an event but never loses it."""

import asyncio
import contextlib
import logging
from typing import Any

log = logging.getLogger("sen.events")

CHANNEL = "sen_events"


class Wakeup:
    """Every waiter wakes when fire() is called; late waiters wait for the next one.

    A reader arms itself *before* it reads the events table and waits on what it armed:
    a fire() that lands between its read and its wait then still wakes it, instead of
    leaving a fresh event unsent until the next safety poll.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def arm(self) -> asyncio.Event:
        """The wake-up that the next fire() sets; pass it to wait()."""
        return self._event

    async def wait(self, seconds: float, armed: asyncio.Event | None = None) -> bool:
        event = armed if armed is not None else self._event
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True


class PostgresListener:
    """One LISTEN connection per server instance, firing the local Wakeup on NOTIFY."""

    def __init__(self, dsn: str, wakeup: Wakeup) -> None:
        self._dsn = dsn
        self._wakeup = wakeup
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    async def start(self, wait_seconds: float = 5.0) -> None:
        """Start listening; wait (briefly) until LISTEN is in effect, so that an instance
        that reports healthy already hears the other instances."""
        self._task = asyncio.create_task(self._run())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ready.wait(), wait_seconds)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        import asyncpg

        while True:
            try:
                conn = await asyncpg.connect(self._dsn)
                try:
                    await conn.add_listener(CHANNEL, self._on_notify)
                    self.ready.set()
                    # asyncpg delivers notifications while the connection is idle; keep it
                    # open and notice a dead connection within a few seconds.
                    while not conn.is_closed():
                        await asyncio.sleep(5)
                        await conn.execute("SELECT 1")
                finally:
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("event listener reconnecting after %s", type(exc).__name__)
                await asyncio.sleep(1)
            # Whatever happened while disconnected, readers re-check the table.
            self._wakeup.fire()

    def _on_notify(self, *_: Any) -> None:
        self._wakeup.fire()


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)
