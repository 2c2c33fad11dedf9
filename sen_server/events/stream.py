"""One reader's event stream: replay from Last-Event-ID, then follow, filtered to what the
reader may see, with a heartbeat so idle connections and dead clients are noticed."""

from collections.abc import AsyncIterator
from datetime import timedelta

from litestar.response import ServerSentEventMessage
from sqlmodel import col, select

from sen_server.auth.sessions import session_problem
from sen_server.caller import Caller
from sen_server.events.store import event_public, events_after
from sen_server.models import AuthSession, Event, Report, User
from sen_server.reports import policy
from sen_server.runtime import Runtime

HEARTBEAT_SECONDS = 15.0
# The table is re-read at least this often even without a wake-up (a lost NOTIFY).
SAFETY_POLL_SECONDS = 5.0


async def _visible(runtime: Runtime, caller: Caller, events: list[Event]) -> list[Event]:
    report_ids = {e.report_id for e in events if e.report_id}
    async with runtime.sessions() as session:
        facts = await policy.reader_facts(session, caller)
        readable = (
            set(
                (
                    await session.exec(
                        select(Report.id).where(
                            col(Report.id).in_(report_ids), policy.read_condition(caller, facts)
                        )
                    )
                ).all()
            )
            if report_ids
            else set()
        )
    return [e for e in events if e.report_id is None or e.report_id in readable]


async def _still_valid(runtime: Runtime, caller: Caller) -> bool:
    async with runtime.sessions() as session:
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
    yield ServerSentEventMessage(data=None, comment="connected", retry=2000)
    waited = 0.0
    while True:
        async with runtime.sessions() as session:
            batch = await events_after(session, last_id)
        if batch:
            for event in await _visible(runtime, caller, batch):
                public = event_public(event)
                yield ServerSentEventMessage(
                    data=public.model_dump_json(), event=public.kind, id=public.id
                )
            last_id = batch[-1].id
            continue
        woke = await runtime.wakeup.wait(SAFETY_POLL_SECONDS)
        waited = 0.0 if woke else waited + SAFETY_POLL_SECONDS
        if waited >= HEARTBEAT_SECONDS:
            waited = 0.0
            if not await _still_valid(runtime, caller):
                return
            yield ServerSentEventMessage(data=None, comment="ping")
