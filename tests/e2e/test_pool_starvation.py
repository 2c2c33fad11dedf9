"""More concurrent requests than the server has database connections all get through, even
when every one of them must write before it reads (its session's last-seen time is due):
a request never holds a pooled connection while it waits for its turn to write, or the
writer whose turn it is could find every connection held by a waiter. On SQLite and
PostgreSQL, against a real server."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from sen_server.db import create_engine
from sen_server.models import AuthSession
from sen_server.settings import ServerSettings
from tests.support import flows
from tests.support.api import login

# Well over the connections of either database's pool (16 on SQLite, 20 on PostgreSQL).
CONCURRENT = 48
SECONDS = 4


async def _keep_sessions_due_for_an_update(settings: ServerSettings, stop: asyncio.Event) -> None:
    """Over and over, so that the requests in flight each time all find the update due."""
    engine = create_engine(settings)
    try:
        while not stop.is_set():
            async with engine.begin() as connection:
                a_while_ago = datetime.now(UTC) - timedelta(minutes=5)
                await connection.execute(update(AuthSession).values(last_seen_at=a_while_ago))
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def test_more_concurrent_requests_than_connections_all_get_through(
    demo_settings: ServerSettings, start_server: Any
) -> None:
    server = start_server(demo_settings, env={"SEN_DB_POOL_WAIT_SECONDS": "5"})
    limits = httpx.Limits(max_connections=CONCURRENT)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
        headers = await login(client, "agent.nyc")
        report_id = (await flows.create(client, headers, "SIR", datetime.now(UTC)))["id"]
        path = f"/api/v1/reports/{report_id}"
        statuses: list[int] = []
        stop = asyncio.Event()

        async def keep_reading() -> None:
            while not stop.is_set():
                statuses.append((await client.get(path, headers=headers)).status_code)

        readers = [asyncio.create_task(keep_reading()) for _ in range(CONCURRENT)]
        staler = asyncio.create_task(_keep_sessions_due_for_an_update(demo_settings, stop))
        await asyncio.sleep(SECONDS)
        stop.set()
        await asyncio.gather(*readers, staler)

    assert len(statuses) >= CONCURRENT
    assert {status: statuses.count(status) for status in set(statuses)} == {200: len(statuses)}
