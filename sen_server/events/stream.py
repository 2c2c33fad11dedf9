"""One reader's event stream: replay from Last-Event-ID, then follow the process's feed,
each event shown as the reader may see it, with a heartbeat so idle connections and dead
clients are noticed.

**Audit of what the stream shows.** An event carries a queue row (the report's envelope)
onto the reader's screen: that is a view, and is audited like a queue page, as one
``queue.row_pushed`` record per row per reader. The records of a batch go through the
process's group commit (sen_server.group_commit) and the rows are sent only once their
records are durable, so hundreds of streams receiving one event make one or two commits,
not hundreds, and no report envelope leaves before its audit record.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from litestar.response import ServerSentEventMessage

from sen_server.audit.writer import AuditEntry
from sen_server.auth.sessions import session_problem
from sen_server.events.feed import SAFETY_POLL_SECONDS, EventFeed, FedEvent, read_fed_events
from sen_server.events.visibility import Reader, shown_to
from sen_server.group_commit import PendingCommit
from sen_server.models import AuthSession, User
from sen_server.principal import Caller
from sen_server.runtime import Runtime
from shared.enums import AuditAction
from shared.schemas import EventPublic

HEARTBEAT_SECONDS = 15.0


async def _checked_reader(runtime: Runtime, caller: Caller) -> Reader | None:
    """The reader with fresh grants, or None when the session no longer holds."""
    async with runtime.read_sessions() as session:
        auth = await session.get(AuthSession, caller.auth.id)
        user = await session.get(User, caller.id)
        if auth is None or user is None:
            return None
        # The stream itself keeps the session alive; only revocation, disabling and the
        # absolute limit end it.
        if session_problem(auth, user, runtime.now(), timedelta(days=365)):
            return None
        return await Reader.load(session, caller)


async def _next_batch(runtime: Runtime, feed: EventFeed, last_id: int) -> list[FedEvent]:
    held = feed.after(last_id)
    if held is not None:
        return held
    async with runtime.read_sessions() as session:  # older than the feed holds
        return await read_fed_events(session, last_id)


async def _audited(runtime: Runtime, caller: Caller, shown: list[EventPublic]) -> None:
    """Return once the rows about to be shown are on record (raises if they cannot be)."""
    entries = [
        AuditEntry(
            action=AuditAction.QUEUE_ROW_PUSHED,
            object_type="report",
            object_id=public.report_id,
            details={"event": public.id},
        )
        for public in shown
        if public.row is not None
    ]
    await runtime.group_commit.commit(PendingCommit(actor=caller.actor, entries=entries))


async def event_stream(
    runtime: Runtime, caller: Caller, last_id: int
) -> AsyncIterator[ServerSentEventMessage]:
    """Replay, then follow. The session is re-checked every HEARTBEAT_SECONDS whatever
    happens (a busy system must not keep a revoked session's stream alive), and a ping is
    sent whenever nothing else was for that long (events this reader may not see don't
    count), so that idle connections stay open and dead clients are noticed."""
    # The start position as an id: a client that drops before any event arrives still
    # resumes from here instead of from "now".
    yield ServerSentEventMessage(data=None, comment="connected", retry=2000, id=last_id)
    feed = runtime.join_feed()
    try:
        async for message in _follow(runtime, caller, feed, last_id):
            yield message
    finally:
        runtime.leave_feed(feed)


async def _follow(
    runtime: Runtime, caller: Caller, feed: EventFeed, last_id: int
) -> AsyncIterator[ServerSentEventMessage]:
    clock = asyncio.get_running_loop().time
    reader = await _checked_reader(runtime, caller)
    last_sent = last_checked = clock()
    while reader is not None:
        if clock() - last_checked >= HEARTBEAT_SECONDS:
            last_checked = clock()
            reader = await _checked_reader(runtime, caller)
            continue
        arrived = feed.arm()  # before asking, so that no arrival falls in between
        batch = await _next_batch(runtime, feed, last_id)
        if batch:
            now = runtime.now()
            shown = [p for fed in batch if (p := shown_to(reader, fed, now)) is not None]
            if shown:
                await _audited(runtime, caller, shown)
            for public in shown:
                yield ServerSentEventMessage(
                    data=public.model_dump_json(), event=public.kind, id=public.id
                )
                last_sent = clock()
            last_id = batch[-1].event.id
            continue
        if clock() - last_sent >= HEARTBEAT_SECONDS:
            yield ServerSentEventMessage(data=None, comment="ping")
            last_sent = clock()
        due = HEARTBEAT_SECONDS - max(clock() - last_sent, clock() - last_checked)
        await _wait(arrived, max(0.0, min(SAFETY_POLL_SECONDS, due)))


async def _wait(arrived: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(arrived.wait(), seconds)
