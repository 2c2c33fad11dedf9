"""The job registry: what runs in the background of one server instance.

Domains register an outbox handler for each kind of message they enqueue (an email to send,
say) and periodic jobs (signing the audit head); ``start`` and ``stop`` are called from the
app's lifespan. Jobs act as the system principal (``principal.SYSTEM_ACTOR``).
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sen_server.jobs.outbox import OutboxHandler, run_outbox
from sen_server.runtime import Runtime

log = logging.getLogger("sen.jobs")

PeriodicJob = Callable[[Runtime], Awaitable[None]]


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: Callable[[Runtime], float]
    job: PeriodicJob


@dataclass
class JobRegistry:
    handlers: dict[str, OutboxHandler] = field(default_factory=dict)
    periodic: list[Periodic] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def handle(self, kind: str, handler: OutboxHandler) -> None:
        if kind in self.handlers:
            raise ValueError(f"outbox kind {kind!r} already has a handler")
        self.handlers[kind] = handler

    def every(self, name: str, seconds: Callable[[Runtime], float], job: PeriodicJob) -> None:
        self.periodic.append(Periodic(name, seconds, job))

    async def start(self, runtime: Runtime) -> None:
        self._tasks.append(asyncio.create_task(run_outbox(runtime, self.handlers)))
        for periodic in self.periodic:
            self._tasks.append(asyncio.create_task(_repeat(runtime, periodic)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()


async def _repeat(runtime: Runtime, periodic: Periodic) -> None:
    while True:
        await asyncio.sleep(periodic.seconds(runtime))
        try:
            await periodic.job(runtime)
        except Exception as exc:  # keep serving; the next round retries
            log.warning("job %s failed: %s", periodic.name, type(exc).__name__)
