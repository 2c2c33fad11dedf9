"""Queues page by cursor (SPEC §4, §11 "say how to get the next page"), and the index
ranges behind them show each reader exactly what the read rule allows.

- Following ``next_cursor`` visits every row once, in order, while new reports arrive.
- A cursor that the server did not give out is a 422 naming ``cursor``, never a 500.
- Every demo user, in every queue, sees exactly the rows ``policy.read_condition`` and the
  queue's definition select (computed here in one plain query, as the queues used to be),
  with the same totals and unread counts.
- Deliveries carry their report's type and sort keys, in step through amendments and closes.
"""

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy import ColumnElement, and_, exists, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from sen_server.app import create_app
from sen_server.auth.sessions import find_session
from sen_server.db import create_engine, session_factory
from sen_server.migrate import alembic_config, upgrade
from sen_server.models import Delivery, Report
from sen_server.principal import Caller, roles_of
from sen_server.reports import policy
from sen_server.settings import ServerSettings
from shared.enums import QueueName
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import (
    create_pg_database,
    drop_pg_database,
    pg_url,
    require_postgres,
    server_settings,
)
from tests.support.demo import seed_demo

Q = QueueName
ORDERED_BY_SUBMISSION = (Q.MINE, Q.IROC)


async def _walk(
    client: Any, headers: dict[str, str], queue: str, limit: int, between: Any = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """Every row of a queue, following cursors; ``between`` runs after each page."""
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = await flows.queue(client, headers, queue, **params)
        pages.append(page)
        assert len(page["items"]) <= limit
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            return seen, pages
        if between is not None:
            await between()
        params = {"limit": limit, "cursor": page["next_cursor"]}


async def test_following_cursors_visits_every_row_once_while_reports_arrive(
    client: Any, clock: FakeClock
) -> None:
    agent, iroc = await login(client, "agent.nyc"), await login(client, "iroc.watch")
    for seed in range(13):
        clock.advance(minutes=1)
        await flows.create_and_publish(client, agent, "SIR", clock(), seed=seed)
    for seed in range(3):  # drafts too, for the author's own queues
        clock.advance(minutes=1)
        await flows.create(client, agent, "SIR", clock(), seed=100 + seed)
    arrived: list[str] = []

    async def another_report_arrives() -> None:
        clock.advance(minutes=1)
        report = await flows.create_and_publish(client, agent, "SIR", clock(), seed=len(arrived))
        arrived.append(report["id"])

    for headers, queue in ((iroc, "mine"), (iroc, "iroc"), (iroc, "all"), (agent, "reports")):
        before = [i["id"] for i in (await flows.queue(client, headers, queue))["items"]]
        assert len(before) >= 13, f"{queue}: {len(before)} rows; bad setup"
        seen, pages = await _walk(client, headers, queue, 4, another_report_arrives)
        assert seen == before, f"{queue}: paging gave {seen}, the queue held {before}"
        assert not set(arrived) & set(seen), f"{queue}: rows that arrived while paging"
        # The totals count what is there now, arrivals included.
        assert pages[-1]["total"] == len(before) + len(arrived)
        now = [i["id"] for i in (await flows.queue(client, headers, queue))["items"]]
        assert now[: len(arrived)] == arrived[::-1] and now[len(arrived) :] == before
        arrived.clear()
    # A page of the last rows says there is none after it; a cursor past them is empty.
    last_page = (await _walk(client, iroc, "mine", 5))[1][-1]
    assert last_page["next_cursor"] is None and last_page["items"]
    keyed = {"q": "mine", "k": "2000-01-01T00:00:00+00:00", "id": "SIR-2000-000001"}
    past = await flows.queue(client, iroc, "mine", cursor=_cursor(keyed))
    assert past["items"] == [] and past["next_cursor"] is None and past["total"] >= 13


def _cursor(document: Any) -> str:
    raw = json.dumps(document).encode() if not isinstance(document, bytes) else document
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSORS = {
    "not base64url": "not a cursor!",
    "base64 of nothing JSON": _cursor(b"\x00\xff\xfe garbage"),
    "JSON but not an object": _cursor([1, 2, 3]),
    "missing the id": _cursor({"q": "mine", "k": "2026-01-01T00:00:00+00:00"}),
    "an extra key": _cursor({"q": "mine", "k": "2026-01-01T00:00:00+00:00", "id": "A", "x": 1}),
    "another queue's": _cursor({"q": "iroc", "k": "2026-01-01T00:00:00+00:00", "id": "A"}),
    "not a time": _cursor({"q": "mine", "k": "yesterday", "id": "SIR-2026-000001"}),
    "a time without a zone": _cursor({"q": "mine", "k": "2026-01-01T00:00:00", "id": "S"}),
    "a number for the time": _cursor({"q": "mine", "k": 1767225600, "id": "SIR-2026-000001"}),
    "an id that is no id": _cursor({"q": "mine", "k": "2026-01-01T00:00:00+00:00", "id": "'--"}),
    "too long": "A" * 5000,
    "padding": _cursor({"q": "mine", "k": "2026-01-01T00:00:00+00:00", "id": "S"}) + "==",
}


async def test_a_cursor_the_server_did_not_give_is_a_clear_422(client: Any) -> None:
    iroc = await login(client, "iroc.watch")
    for what, cursor in BAD_CURSORS.items():
        response = await client.get("/api/v1/queues/mine", params={"cursor": cursor}, headers=iroc)
        assert response.status_code in (400, 422), f"{what}: {response.status_code}"
        body = response.json()
        assert [e["field"] for e in body["errors"]] == ["cursor"], f"{what}: {body}"
        assert cursor[:20] not in response.text, f"{what}: the cursor is echoed back"


# ---- need-to-know: the queues against one plain query -------------------------------


def _reference_condition(queue: QueueName, caller: Caller, now: Any) -> ColumnElement[bool]:
    """Each queue as SPEC §4 defines it (what queues.service computed before index ranges)."""
    mine = col(Report.author_id) == caller.id
    published = col(Report.status).in_(["submitted", "closed"])
    if queue == Q.MINE:
        delivered = aliased(Delivery)
        return exists().where(
            col(delivered.report_id) == col(Report.id), col(delivered.user_id) == caller.id
        )
    if queue == Q.IROC:
        return and_(
            col(Report.type).in_(["SIR", "OPPRED", "SPEAR", "LEARA", "SPOT", "ERO_TAV"]),
            published,
            col(Report.submitted_at) >= now - timedelta(hours=72),
        )
    if queue == Q.REVIEW:
        return and_(col(Report.status) == "in_review", ~mine)
    if queue == Q.INTEL:
        return and_(
            col(Report.type) == "ERO_LEAD",
            published,
            or_(col(Report.triage_status).is_(None), col(Report.triage_status) == "new"),
        )
    if queue == Q.DRAFTS:
        return and_(mine, col(Report.status).in_(["draft", "returned", "in_review"]))
    if queue == Q.ALL:
        return true()
    return mine


async def _reference(
    session: Any, caller: Caller, queue: QueueName, now: Any
) -> tuple[list[str], int]:
    """(ids newest first, unread) by one plain query over every report."""
    facts = await policy.reader_facts(session, caller)
    key = col(Report.submitted_at if queue in ORDERED_BY_SUBMISSION else Report.updated_at)
    condition = and_(policy.read_condition(caller, facts), _reference_condition(queue, caller, now))
    ids = list(
        (
            await session.exec(
                select(Report.id).where(condition).order_by(key.desc(), col(Report.id).desc())
            )
        ).all()
    )
    unread = (
        await session.exec(
            select(func.count())
            .select_from(Report)
            .join(Delivery, col(Delivery.report_id) == col(Report.id))
            .where(
                condition,
                col(Delivery.user_id) == caller.id,
                or_(col(Delivery.state) == "new", col(Delivery.updated).is_(True)),
            )
        )
    ).one()
    return ids, int(unread)


async def _vary_deliveries(client: Any, headers: dict[str, dict[str, str]], now: Any) -> None:
    """Reads, acknowledgments, an amendment and a close: deliveries in every state."""
    mine = await flows.queue(client, headers["sac.nyc"], "mine")
    for item in mine["items"][:3]:  # opened: read
        flows.expect(
            await client.get(f"/api/v1/reports/{item['id']}", headers=headers["sac.nyc"]),
            200,
            "sac.nyc reads",
        )
    for item in mine["items"][3:5]:
        flows.expect(
            await client.post(
                f"/api/v1/reports/{item['id']}/acknowledge", headers=headers["sac.nyc"]
            ),
            200,
            "sac.nyc acknowledges",
        )
    agent = headers["agent.nyc"]
    sir = await flows.create_and_publish(client, agent, "SIR", now, seed=900)
    await flows.action(client, agent, sir, "amend", reason="count corrected")
    spot = await flows.create_and_publish(client, agent, "SPOT", now, seed=901)
    await flows.action(client, agent, spot, "close")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        settings = server_settings(tmp_path)
        upgrade(settings)
        yield settings
        return
    require_postgres()
    name = create_pg_database()
    settings = server_settings(tmp_path, pg_url(name))
    upgrade(settings)
    try:
        yield settings
    finally:
        drop_pg_database(name)


async def test_every_user_sees_in_every_queue_exactly_what_the_read_rule_allows(
    fresh_settings: ServerSettings, clock: FakeClock
) -> None:
    await seed_demo(fresh_settings, reports=200)
    app = create_app(fresh_settings, clock=clock)
    engine = create_engine(fresh_settings)
    problems: list[str] = []
    sizes: dict[QueueName, int] = {}  # the longest each queue got, over every user
    try:
        async with AsyncTestClient(app=app) as client:
            headers = {user: await login(client, user) for user in flows.DEMO_USERS}
            await _vary_deliveries(client, headers, clock())
            sessions = session_factory(engine)
            for user in flows.DEMO_USERS:
                async with sessions() as session:
                    token = headers[user]["Authorization"].removeprefix("Bearer ")
                    found = await find_session(session, token)
                    assert found is not None
                    auth, account = found
                    caller = Caller(account, auth, roles_of(account), None)
                    expected = {q: await _reference(session, caller, q, clock()) for q in Q}
                for queue in Q:
                    ids, unread = expected[queue]
                    sizes[queue] = max(sizes.get(queue, 0), len(ids))
                    seen, pages = await _walk(client, headers[user], queue, 7)
                    if seen != ids:
                        problems.append(f"{user} {queue}: shows {seen}, the rule gives {ids}")
                    counted = {(p["total"], p["unread"], p["total_exact"]) for p in pages}
                    if counted != {(len(ids), unread, True)}:
                        problems.append(
                            f"{user} {queue}: counts {counted}, expected {ids} {unread}"
                        )
                counts = flows.expect(
                    await client.get("/api/v1/queues/counts", headers=headers[user]), 200, "counts"
                )
                for name, count in counts.items():
                    ids, unread = expected[QueueName(name)]
                    if (count["total"], count["unread"]) != (len(ids), unread):
                        problems.append(f"{user} counts[{name}] = {count}")
            async with sessions() as session:
                assert await _keys_out_of_step(session) == 0
    finally:
        await engine.dispose()
    assert not problems, "\n".join(problems)
    # The data puts rows in every queue for somebody, and several pages in the big ones
    # (else this proves little).
    assert all(sizes[q] for q in Q), sizes
    assert all(sizes[q] > 7 for q in (Q.MINE, Q.IROC, Q.REPORTS, Q.ALL)), sizes


async def _keys_out_of_step(session: Any) -> int:
    """Deliveries whose copy of their report's type or sort keys differs from the report."""
    statement = (
        select(func.count())
        .select_from(Delivery)
        .join(Report, col(Report.id) == col(Delivery.report_id))
        .where(
            or_(
                col(Delivery.report_type) != col(Report.type),
                col(Delivery.report_submitted_at) != col(Report.submitted_at),
                col(Delivery.report_updated_at) != col(Report.updated_at),
            )
        )
    )
    return int((await session.exec(statement)).one())


# ---- the migration ---------------------------------------------------------------------


def test_upgrade_copies_each_reports_keys_onto_its_existing_deliveries(
    db_settings: ServerSettings,
) -> None:
    """A database of 0004 with deliveries in it: 0005 fills in their type and sort keys."""
    from alembic import command

    command.downgrade(alembic_config(db_settings), "0004")
    url = db_settings.resolved_database_url.replace("+aiosqlite", "").replace(
        "+asyncpg", "+psycopg"
    )
    engine = sa.create_engine(url)
    at = "2026-03-01 10:00:00"
    later = "2026-03-02 11:30:00"
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (username, display_name, title, email, phone, program, '
                    "roles, password_hash, must_change_password, password_changed_at, disabled, "
                    "created_at) VALUES ('u', 'U', '', '', '', 'HSI', '[]', 'x', false, :at, "
                    "false, :at)"
                ),
                {"at": at},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO report (id, type, status, version, title, marking, priority, "
                    "created_at, updated_at, submitted_at, late, author_id, program, recipients, "
                    "body) VALUES ('SIR-2026-000001', 'SIR', 'submitted', 2, 't', 'm', "
                    "'routine', :at, :later, :at, false, 1, 'HSI', '{}', '{}')"
                ),
                {"at": at, "later": later},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO delivery (report_id, user_id, state, reason, updated, "
                    "created_at) VALUES ('SIR-2026-000001', 1, 'new', 'manual', false, :at)"
                ),
                {"at": at},
            )
        upgrade(db_settings)
        with engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT report_type, report_submitted_at, report_updated_at FROM delivery")
            ).one()
    finally:
        engine.dispose()
    assert row[0] == "SIR"
    assert str(row[1]).startswith("2026-03-01 10:00:00")
    assert str(row[2]).startswith("2026-03-02 11:30:00")
