"""Who hears a live event is decided per object type, deny by default (SPEC §4, §13): an
event about an object type with no visibility rule (a domain that forgot to add one, say a
future "summary sent") reaches nobody, and neither does one of a kind this server does not
know. Planted straight into the events table, beside a real report event that everyone
who may read the report does receive."""

import asyncio
import json
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from sqlmodel import col, select

from sen_server.audit.writer import lock_chain
from sen_server.auth.sessions import find_session
from sen_server.events.store import EventDraft, append_events, latest_event_id
from sen_server.events.visibility import visible_events
from sen_server.models import Event
from sen_server.principal import Caller, roles_of
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from shared.enums import EventKind, ObjectType
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.demo import seed_demo


async def _plant(runtime: Runtime, *drafts: EventDraft) -> None:
    async with runtime.sessions() as session, session.begin():
        await lock_chain(session)  # positions are handed out under the chain lock
        await append_events(session, list(drafts), "intruder", runtime.now())


def _unknown_object(report_id: str) -> EventDraft:
    # A report's id under an object type nobody registered: knowing the id must not help.
    object_type: Any = "mystery"
    return EventDraft(EventKind.SUMMARY_SENT, object_type, report_id)


def _unknown_kind(report_id: str) -> EventDraft:
    kind: Any = "report.teleported"  # a kind from a newer server, say
    return EventDraft(kind, ObjectType.REPORT, report_id, report_id)


async def _caller(runtime: Runtime, token: str) -> Caller:
    async with runtime.sessions() as session:
        found = await find_session(session, token)
    assert found is not None
    auth, user = found
    return Caller(user, auth, roles_of(user), None)


async def _events_after(runtime: Runtime, after: int) -> list[Event]:
    async with runtime.sessions() as session:
        statement = select(Event).where(col(Event.id) > after).order_by(col(Event.id))
        return list((await session.exec(statement)).all())


async def test_an_event_of_an_unknown_object_type_reaches_nobody(
    client: Any, demo_settings: ServerSettings, clock: FakeClock
) -> None:
    agent = await login(client, "agent.nyc")
    report = await flows.create_and_publish(client, agent, "SIR", clock(), seed=3)
    runtime = Runtime.build(demo_settings, clock)
    try:
        async with runtime.sessions() as session:
            start = await latest_event_id(session)
        await _plant(runtime, _unknown_object(report["id"]), _unknown_kind(report["id"]))
        # A known event after them, which the report's readers do receive (the control).
        await flows.action(client, agent, report, "amend", reason="title corrected", title="New")
        events = await _events_after(runtime, start)
        planted = [e for e in events if e.actor == "intruder"]
        assert len(planted) == 2
        for username in flows.DEMO_USERS:
            caller = await _caller(runtime, _token(await login(client, username)))
            async with runtime.sessions() as session:
                seen = [e.kind for e in await visible_events(session, caller, events)]
            assert "report.teleported" not in seen and "summary.sent" not in seen, username
            if username == "iroc.watch":
                assert seen == ["report.updated"]
    finally:
        await runtime.engine.dispose()


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def test_the_stream_skips_an_unknown_object_type_and_goes_on(
    sqlite_settings: ServerSettings, start_server: Any
) -> None:
    """Through a real server's event stream: the planted events are never sent, and the
    stream neither stops nor stalls at them."""
    await seed_demo(sqlite_settings)
    server = start_server(sqlite_settings)
    runtime = Runtime.build(sqlite_settings)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            agent = await login(http, "agent.nyc")
            report = await flows.create_and_publish(http, agent, "SIR", runtime.now(), seed=4)
            iroc = await login(http, "iroc.watch")
            async with runtime.sessions() as session:
                start = await latest_event_id(session)
            await _plant(runtime, _unknown_object(report["id"]), _unknown_kind(report["id"]))
            await flows.action(http, agent, report, "amend", reason="title corrected", title="B")
            first = await asyncio.wait_for(_first_event(http, iroc, start), timeout=15)
        assert (first["kind"], first["report_id"]) == ("report.updated", report["id"])
    finally:
        await runtime.engine.dispose()


async def _first_event(http: httpx.AsyncClient, headers: dict[str, str], after: int) -> Any:
    request_headers = {**headers, "Last-Event-ID": str(after)}
    async with aconnect_sse(http, "GET", "/api/v1/events", headers=request_headers) as source:
        async for sse in source.aiter_sse():
            if sse.data:
                return json.loads(sse.data)
    return None
