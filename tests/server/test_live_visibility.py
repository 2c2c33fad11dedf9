"""The live stream decides in Python who may see a report and which of their queues hold
it (``policy.admits``, ``queues.live.placement``), from rows read once for every stream.
Those answers must be the database's: for every demo user and a spread of reports of every
type, author and state, the Python read rule, for the stream's rows and for one report by
id (``readable_report``), equals ``readable_report_ids`` (SQL), and the Python placement
equals the queue pages the server lists. On SQLite and PostgreSQL."""

from typing import Any

from sen_server.auth.sessions import find_session
from sen_server.principal import Caller, roles_of
from sen_server.queues.live import placement
from sen_server.reports import policy
from sen_server.reports.rows import load_rows
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from shared.enums import QueueName
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock

# Who writes what, and how far each report gets.
SPREAD = [
    ("agent.nyc", "SIR", "submit"),
    ("agent.nyc", "SIR", "draft"),
    ("agent.nyc", "SIR", "review"),
    ("agent.nyc", "OPPRED", "approve"),
    ("agent.nyc", "SPEAR", "return"),
    ("agent.nyc", "LEARA", "submit"),
    ("agent.nyc", "SPOT", "submit"),
    ("officer.nyc", "ERO_LEAD", "submit"),
    ("officer.nyc", "ERO_TAV", "submit"),
    ("officer.nyc", "SIR", "review"),
    ("fod.nyc", "SIR", "review"),  # reviewable by sdo.nyc through the office, not as supervisor
    ("agent.lax", "SIR", "submit"),
    ("agent.lax", "OPPRED", "review"),
    ("sup.nyc", "SIR", "submit"),
    ("sup.nyc", "SIR", "review"),  # sac.nyc, no supervisor role, reads it as sup.nyc's supervisor
    ("pao", "NEWS", "submit"),
]
REVIEWERS = {
    "agent.nyc": "sup.nyc",
    "officer.nyc": "sdo.nyc",
    "agent.lax": "sup.lax",
    "fod.nyc": "sdo.nyc",
    "sup.nyc": "sac.nyc",
}


async def _write(client: Any, clock: FakeClock, seed: int, author: str, kind: str, how: str) -> str:
    me = await login(client, author)
    report = await flows.create(client, me, kind, clock(), seed)
    if how == "submit":
        report = await flows.action(client, me, report, "submit")
    elif how in ("review", "approve", "return"):
        report = await flows.action(client, me, report, "request-review")
        reviewer = await login(client, REVIEWERS[author])
        if how == "approve":
            report = await flows.action(client, reviewer, report, "approve")
        elif how == "return":
            report = await flows.action(client, reviewer, report, "return", comment="Say more.")
    return str(report["id"])


async def _caller(runtime: Runtime, headers: dict[str, str]) -> Caller:
    token = headers["Authorization"].removeprefix("Bearer ")
    async with runtime.sessions() as session:
        found = await find_session(session, token)
    assert found is not None
    auth, user = found
    return Caller(user, auth, roles_of(user), None)


async def test_python_read_rule_and_queue_placement_equal_the_database(
    client: Any, demo_settings: ServerSettings, clock: FakeClock
) -> None:
    ids = [await _write(client, clock, seed, *spec) for seed, spec in enumerate(SPREAD, start=1)]
    runtime = Runtime.build(demo_settings, clock)
    try:
        async with runtime.sessions() as session:
            rows = await load_rows(session, ids)
        assert set(rows) == set(ids)
        seen_somewhere = 0
        for username in flows.DEMO_USERS:
            headers = await login(client, username)
            caller = await _caller(runtime, headers)
            async with runtime.sessions() as session:
                by_sql = await policy.readable_report_ids(session, caller, set(ids))
                facts = await policy.reader_facts(session, caller)
                one_by_one = {i for i in ids if await policy.readable_report(session, caller, i)}
            grants = policy.read_grants(caller, facts)
            by_python = {i for i in ids if policy.admits(grants, rows[i])}
            assert by_python == by_sql, username
            assert one_by_one == by_sql, username
            seen_somewhere += len(by_sql)
            me = (await client.get("/api/v1/me", headers=headers)).json()
            queues = [q["name"] for w in me["workspaces"] for q in w.get("queues", [])]
            for name in queues:
                page = await flows.queue(client, headers, name, limit=200)
                listed = {item["id"] for item in page["items"]} & set(ids)
                placed = {
                    i for i in by_python if QueueName(name) in placement(caller, rows[i], clock())
                }
                assert placed == listed, f"{username} {name}"
        assert seen_somewhere > len(ids)  # the spread is read by many, not by nobody
    finally:
        await runtime.engine.dispose()
