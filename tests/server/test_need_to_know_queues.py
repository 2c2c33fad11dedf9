"""Need-to-know in queues, queue counts and live events: nobody receives a row, a count or
an event about a report they may not read (SPEC §1, §4).

Three reports that most people may not read:
- an OPPRED (crimes against children), submitted through review: never public affairs;
- a draft: only its author;
- an SIR in review: only its author and the reviewer.
"""

import asyncio
import contextlib
import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse

from sen_server.auth.sessions import find_session
from sen_server.events import stream
from sen_server.events.store import latest_event_id
from sen_server.principal import Caller
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from shared.enums import QueueName, Role
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.demo import seed_demo

QUEUES = tuple(QueueName)  # every queue, whether or not a user is offered it
# Who may read each guarded report (SPEC §1; the OPPRED's recipients are the SPEC §4
# routing of an agent.nyc OPPRED, checked in test_routing_table).
OPPRED_READERS = {
    "agent.nyc",  # author
    "sup.nyc",  # reviewer, the author's supervisor
    "sac.nyc",  # routed: SAC New York
    "fod.nyc",  # routed: FOD of the AOR
    "sdo.nyc",
    "fig.nyc",  # routed: FIG of the AOR
    "iroc.watch",
    "hq.hsi",  # HSI headquarters
    "opr",
}
DRAFT_READERS = {"agent.nyc"}
IN_REVIEW_READERS = {"agent.nyc", "sup.nyc"}


async def _snapshot(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Every queue of one user (ids, total, unread) and their counts."""
    queues = {}
    for name in QUEUES:
        page = await flows.queue(client, headers, name)
        assert page["next_cursor"] is None, "more than 500 rows in a fresh test database"
        assert page["total_exact"] and page["unread_exact"], f"{name}: a bounded count"
        ids = [item["id"] for item in page["items"]]
        assert page["total"] == len(ids), f"{name}: total {page['total']} but {len(ids)} rows"
        queues[name] = {"ids": set(ids), "total": page["total"], "unread": page["unread"]}
    counts = flows.expect(
        await client.get("/api/v1/queues/counts", headers=headers), 200, "queue counts"
    )
    for name, count in counts.items():
        # A count must agree with the queue it counts, so it cannot count hidden rows.
        expected = {"total": queues[name]["total"], "unread": queues[name]["unread"]}
        assert count == {**expected, "total_exact": True, "unread_exact": True}, (
            f"counts[{name}] = {count}, queue shows {queues[name]}"
        )
    return {"queues": queues, "counts": counts}


async def test_queues_and_counts_show_nothing_a_user_may_not_read(
    client: Any, clock: FakeClock
) -> None:
    headers = {user: await login(client, user) for user in flows.DEMO_USERS}
    before = {user: await _snapshot(client, headers[user]) for user in flows.DEMO_USERS}
    agent, sup = headers["agent.nyc"], headers["sup.nyc"]

    clock.advance(minutes=1)
    oppred = await flows.create_and_publish(client, agent, "OPPRED", clock(), seed=1, reviewer=sup)
    draft = await flows.create(client, agent, "SIR", clock(), seed=2, title="Draft SIR")
    in_review = await flows.action(
        client, agent, await flows.create(client, agent, "SIR", clock(), seed=3), "request-review"
    )
    # The OPPRED is amended and acknowledged too: more chances to leak an "updated" count.
    oppred = await flows.action(client, agent, oppred, "amend", reason="victim count corrected")
    sac = headers["sac.nyc"]
    flows.expect(
        await client.post(f"/api/v1/reports/{oppred['id']}/acknowledge", headers=sac),
        200,
        "sac.nyc acknowledges",
    )

    guarded = {
        oppred["id"]: ("the OPPRED", OPPRED_READERS),
        draft["id"]: ("a draft", DRAFT_READERS),
        in_review["id"]: ("an SIR in review", IN_REVIEW_READERS),
    }
    problems: list[str] = []
    for user in flows.DEMO_USERS:
        after = await _snapshot(client, headers[user])
        for report_id, (what, readers) in guarded.items():
            if user in readers:
                continue
            for name, queue in after["queues"].items():
                if report_id in queue["ids"]:
                    problems.append(f"{user} sees {what} ({report_id}) in queue {name}")
        # Nothing this user may read happened: every total, unread and count is as before.
        if not any(user in readers for _, readers in guarded.values()) and after != before[user]:
            problems.append(f"{user}: queues or counts changed: {before[user]} → {after}")
    assert not problems, "\n".join(problems)

    # Positive controls: the people who may read them do see them where they should.
    agent_view = await _snapshot(client, agent)
    assert {draft["id"], in_review["id"]} <= agent_view["queues"]["drafts"]["ids"]
    # One row a page, following cursors: every draft once, and the totals on every page.
    drafts = agent_view["queues"]["drafts"]
    seen: list[str] = []
    page = await flows.queue(client, agent, "drafts", limit=1)
    while True:
        assert (page["total"], page["unread"]) == (drafts["total"], drafts["unread"])
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        page = await flows.queue(client, agent, "drafts", limit=1, cursor=page["next_cursor"])
    assert len(seen) == len(set(seen)) and set(seen) == drafts["ids"]
    assert oppred["id"] in agent_view["queues"]["reports"]["ids"]
    sup_view = await _snapshot(client, sup)
    assert in_review["id"] in sup_view["queues"]["review"]["ids"]
    assert oppred["id"] in sup_view["queues"]["mine"]["ids"]
    iroc_view = await _snapshot(client, headers["iroc.watch"])
    assert oppred["id"] in iroc_view["queues"]["iroc"]["ids"]


# ---- live events, from a real server process -----------------------------------------


async def _read_events(
    base_url: str, headers: dict[str, str], until_id: str, until_kind: str, seconds: float
) -> list[dict[str, Any]]:
    """Replay from Last-Event-ID 0 until the marker event (or the deadline) arrives."""
    seen: list[dict[str, Any]] = []

    async def consume() -> None:
        async with (
            httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(5, read=30)) as http,
            aconnect_sse(
                http, "GET", "/api/v1/events", headers={**headers, "Last-Event-ID": "0"}
            ) as source,
        ):
            assert source.response.status_code == 200
            async for sse in source.aiter_sse():
                if not sse.data:
                    continue  # the "connected" hello or a ping
                event = json.loads(sse.data)
                assert sse.event == event["kind"] and int(sse.id) == event["id"]
                seen.append(event)
                if event["report_id"] == until_id and event["kind"] == until_kind:
                    return

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(consume(), seconds)
    return seen


async def test_events_show_nothing_a_user_may_not_read(
    sqlite_settings: Any, start_server: Any
) -> None:
    await seed_demo(sqlite_settings)
    server = start_server(sqlite_settings)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        now = datetime.now(UTC)
        agent, sup, sac = [await login(http, u) for u in ("agent.nyc", "sup.nyc", "sac.nyc")]
        pao, iroc = [await login(http, u) for u in ("pao", "iroc.watch")]

        oppred = await flows.action(
            http, agent, await flows.create(http, agent, "OPPRED", now, seed=1), "request-review"
        )
        sir = await flows.create_and_publish(http, agent, "SIR", now, seed=2)
        oppred = await flows.action(http, sup, oppred, "approve")
        in_review = await flows.action(
            http, agent, await flows.create(http, agent, "SIR", now, seed=3), "request-review"
        )
        oppred = await flows.action(http, agent, oppred, "amend", reason="victim count corrected")
        flows.expect(
            await http.post(f"/api/v1/reports/{oppred['id']}/acknowledge", headers=sac),
            200,
            "sac.nyc acknowledges the OPPRED",
        )
        returned_sir = await flows.action(
            http, agent, await flows.create(http, agent, "SIR", now, seed=4), "request-review"
        )
        await flows.action(http, sup, returned_sir, "return", comment="Add the facility.")
        draft = await flows.create(http, agent, "SIR", now, seed=5)
        flows.expect(
            await http.patch(
                f"/api/v1/reports/{draft['id']}",
                json={"base_revision": draft["revision"], "title": "Draft, edited"},
                headers=agent,
            ),
            200,
            "agent edits the draft",
        )
        # The last event: pao and IROC may both read it, so it ends both replays.
        await flows.action(http, agent, sir, "amend", reason="title corrected", title="Amended")

    started = time.monotonic()
    pao_events, iroc_events = await asyncio.gather(
        _read_events(server.url, pao, sir["id"], "report.updated", 15),
        _read_events(server.url, iroc, sir["id"], "report.updated", 15),
    )
    elapsed = time.monotonic() - started

    def about(events: list[dict[str, Any]], report_id: str) -> list[str]:
        return [e["kind"] for e in events if e["report_id"] == report_id]

    # Both replays reached the end (else the negative checks below would prove nothing).
    assert about(pao_events, sir["id"]) == ["report.submitted", "report.updated"], (
        f"pao's replay stopped early after {elapsed:.1f} s: {pao_events}"
    )
    assert about(iroc_events, sir["id"])[-1] == "report.updated", iroc_events

    # pao never hears of the OPPRED, the in-review SIR, the returned one or the draft.
    for report_id in (oppred["id"], in_review["id"], returned_sir["id"], draft["id"]):
        assert about(pao_events, report_id) == [], f"pao received events about {report_id}"
    assert about(iroc_events, draft["id"]) == []
    # IROC reads every submitted OPPRED, but hears nothing of reports still in review.
    assert "report.submitted" in about(iroc_events, oppred["id"])
    assert about(iroc_events, in_review["id"]) == []
    assert about(iroc_events, returned_sir["id"]) == []
    # Event ids only grow, and no event comes twice.
    for events in (pao_events, iroc_events):
        ids = [e["id"] for e in events]
        assert ids == sorted(set(ids))
    assert "OPPRED" not in {e["report_type"] for e in pao_events}


@pytest.mark.alone  # heartbeats every 0.5 s
async def test_busy_stream_still_pings_and_ends_with_its_session(
    client: Any, demo_settings: ServerSettings, clock: FakeClock, monkeypatch: Any
) -> None:
    """While other people's events keep waking the server, a reader who may see none of
    them still gets heartbeats; and once their session ends (logout), their stream ends
    within a heartbeat even though events they could read keep coming.

    The stream generator runs here, in-process, with a 0.5 s heartbeat instead of 15 s; the
    wake-ups a commit fires in the server are fired by hand after each change.
    """
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.5)
    monkeypatch.setattr(stream, "SAFETY_POLL_SECONDS", 0.2)
    agent = await login(client, "agent.nyc")
    pao = await login(client, "pao")
    token = pao["Authorization"].removeprefix("Bearer ")
    runtime = Runtime.build(demo_settings)
    loop = asyncio.get_running_loop()
    received: list[tuple[float, Any]] = []
    task: asyncio.Task[None] | None = None
    try:
        async with runtime.sessions() as session:
            found = await find_session(session, token)
            start = await latest_event_id(session)
        assert found is not None
        auth, user = found
        caller = Caller(user, auth, frozenset(Role(r) for r in user.roles), None)

        async def consume() -> None:
            async for message in stream.event_stream(runtime, caller, start):
                received.append((loop.time(), message))

        task = asyncio.create_task(consume())
        seed = 0

        def pings() -> int:
            return sum(1 for _, m in received if m.comment == "ping")

        busy_until = loop.time() + 10
        # SIRs sent for review, one after another: pao may see none of them, and every
        # one of them wakes the stream.
        while pings() < 3 and loop.time() < busy_until:
            seed += 1
            draft = await flows.create(client, agent, "SIR", clock(), seed=seed)
            await flows.action(client, agent, draft, "request-review")
            runtime.wakeup.fire()
            await asyncio.sleep(0.05)  # the test client blocks the loop while it runs
        assert not [m for _, m in received if m.data], "pao was sent events about reviews"
        assert pings() >= 3, f"{pings()} pings in 10 s of other people's events ({seed})"

        flows.expect(await client.post("/api/v1/auth/logout", headers=pao), 200, "pao logs out")
        logged_out = loop.time()
        while not task.done() and loop.time() < logged_out + 5:
            seed += 1  # SIRs submitted: events pao could read if still logged in
            await flows.create_and_publish(client, agent, "SIR", clock(), seed=seed)
            runtime.wakeup.fire()
            await asyncio.sleep(0.05)
        assert task.done(), "a logged-out session's stream kept going while events flowed"
        task.result()
        late = [t - logged_out for t, m in received if m.data and t > logged_out + 1.5]
        assert not late, f"events sent {late} s after logout"
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runtime.engine.dispose()


async def test_work_lists_count_what_waits_and_other_queues_what_is_unread(client: Any) -> None:
    """The tab of a queue whose every row waits for the reader's decision (review, triage)
    counts its rows; every other tab its unread rows. The server says which (``badge``)."""
    seen: dict[str, set[str]] = {}
    for user in flows.DEMO_USERS:
        me = flows.expect(
            await client.get("/api/v1/me", headers=await login(client, user)), 200, "me"
        )
        for workspace in me["workspaces"]:
            for queue in workspace.get("queues", []):
                seen.setdefault(queue["badge"], set()).add(queue["name"])
    assert seen == {
        "waiting": {QueueName.REVIEW, QueueName.INTEL},
        "unread": {
            QueueName.MINE,
            QueueName.IROC,
            QueueName.DRAFTS,
            QueueName.REPORTS,
            QueueName.ALL,
        },
    }
