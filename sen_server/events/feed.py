"""One reader of the events table per process, for every stream it serves.

Each wake-up (a local commit, a NOTIFY from another instance, or the safety poll) makes
one read of the new events and of the rows of the reports they are about
(sen_server.reports.rows), whatever the number of open streams; the streams then decide in
Python what each of their readers may see. The feed keeps the most recent events, so a
stream that fell behind by less than that catches up from memory; one that fell further
behind (or resumes from an old Last-Event-ID) replays from the table, as before.

Event ids are handed out under the audit chain lock and become visible in commit order
(sen_server.events.store), so "every event after N" read from the table is never missing
one in the middle, and the feed's events are contiguous.
"""

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.events.store import events_after, latest_event_id
from sen_server.models import Event
from sen_server.reports.rows import ReportRow, load_rows
from shared.enums import ObjectType

if TYPE_CHECKING:
    from sen_server.runtime import Runtime

log = logging.getLogger("sen.events")

# The table is re-read at least this often even without a wake-up (a lost NOTIFY).
SAFETY_POLL_SECONDS = 5.0
KEEP_EVENTS = 4096  # about an hour of a busy operations centre


@dataclass(frozen=True, slots=True)
class FedEvent:
    """An event with the row of its report as it was read just after (None: not about a
    report, or the report is gone)."""

    event: Event
    row: ReportRow | None


async def with_rows(session: AsyncSession, events: list[Event]) -> list[FedEvent]:
    """The events with the rows of the reports they are about: two statements."""
    report_ids = [e.object_id for e in events if e.object_type == ObjectType.REPORT and e.object_id]
    rows = await load_rows(session, report_ids)
    return [FedEvent(e, rows.get(e.object_id or "")) for e in events]


async def read_fed_events(session: AsyncSession, after: int, limit: int = 500) -> list[FedEvent]:
    """Events after ``after`` with their reports' rows: three statements."""
    return await with_rows(session, await events_after(session, after, limit))


class EventFeed:
    """Runs while streams use it (``Runtime.join_feed`` / ``leave_feed``)."""

    def __init__(self, runtime: "Runtime", keep: int = KEEP_EVENTS) -> None:
        self._runtime = runtime
        self._recent: deque[FedEvent] = deque(maxlen=keep)
        self._last: int | None = None  # the newest event id read; None until started
        self._arrived = asyncio.Event()  # replaced at each arrival, like events.bus.Wakeup
        self._task = asyncio.create_task(self._run(), name="sen-event-feed")
        self.users = 0

    def close(self) -> None:
        self._task.cancel()

    def arm(self) -> asyncio.Event:
        """Set when events after the ones ``after`` returns arrive; arm before asking."""
        return self._arrived

    def after(self, last_id: int) -> list[FedEvent] | None:
        """The events after ``last_id`` the feed holds; None when it no longer holds them
        all (the caller replays from the table)."""
        if self._last is None:
            return None  # not started yet: whatever came before is in the table
        if last_id >= self._last:
            return []
        if not self._recent or self._recent[0].event.id > last_id + 1:
            return None
        skip = last_id + 1 - self._recent[0].event.id  # contiguous ids: an index
        return [self._recent[i] for i in range(max(0, skip), len(self._recent))]

    async def _run(self) -> None:
        wakeup = self._runtime.wakeup
        while True:
            armed = wakeup.arm()  # before reading, so that no wake-up falls in between
            try:
                async with self._runtime.read_sessions() as session:
                    if self._last is None:
                        self._last = await latest_event_id(session)
                    batch = await read_fed_events(session, self._last)
            except Exception as exc:  # the database is down: streams wait, then catch up
                log.warning("event feed read failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            if batch:
                self._recent.extend(batch)
                self._last = batch[-1].event.id
                arrived, self._arrived = self._arrived, asyncio.Event()
                arrived.set()
                continue
            await wakeup.wait(SAFETY_POLL_SECONDS, armed)
