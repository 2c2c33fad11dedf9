"""One reader's event stream: replay from Last-Event-ID, then follow, filtered to what the
reader may see, with a heartbeat so idle connections and dead clients are noticed."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

from litestar.response import ServerSentEventMessage

from sen_server.auth.sessions import session_problem
from sen_server.events.store import event_public, events_after
from sen_server.events.visibility import visible_events
from sen_server.models import AuthSession, Event, User
from sen_server.principal import Caller
from sen_server.runtime import Runtime

HEARTBEAT_SECONDS = 15.0
# The table is re-read at least this often even without a wake-up (a lost NOTIFY).
SAFETY_POLL_SECONDS = 5.0


async def _visible(runtime: Runtime, caller: Caller, events: list[Event]) -> list[Event]:
    async with runtime.read_sessions() as session:
        return await visible_events(session, caller, events)


async def _still_valid(runtime: Runtime, caller: Caller) -> bool:
    async with runtime.read_sessions() as session:
        auth = await session.get(AuthSession, caller.auth.id)
        user = await session.get(User, caller.id)
    if auth is None or user is None:
        return False
    # The stream itself keeps the session alive; only revocation, disabling and the
    # absolute limit end it.
    problem = session_problem(auth, user, runtime.now(), timedelta(days=365))
    return not problem


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
    clock = asyncio.get_running_loop().time
    last_sent = last_checked = clock()
    while True:
        if clock() - last_checked >= HEARTBEAT_SECONDS:
            last_checked = clock()
            if not await _still_valid(runtime, caller):
                return
        armed = runtime.wakeup.arm()  # before reading, so no wake-up falls in between
        async with runtime.read_sessions() as session:
            batch = await events_after(session, last_id)
        if batch:
            for event in await _visible(runtime, caller, batch):
                public = event_public(event)
                yield ServerSentEventMessage(
                    data=public.model_dump_json(), event=public.kind, id=public.id
                )
                last_sent = clock()
            last_id = batch[-1].id
            continue
        if clock() - last_sent >= HEARTBEAT_SECONDS:
            yield ServerSentEventMessage(data=None, comment="ping")
            last_sent = clock()
        due = HEARTBEAT_SECONDS - max(clock() - last_sent, clock() - last_checked)
        await runtime.wakeup.wait(max(0.0, min(SAFETY_POLL_SECONDS, due)), armed)
