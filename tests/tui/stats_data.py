"""Fixed statistics data for the statistics workspace's tests: SIRs written through the real
API with a frozen clock on both sides of the federal fiscal year's turn (30 September /
1 October 2026), so that every count, period and fiscal year is the same on every run.
A few disseminations are entered in the accounting of disclosures directly (their path
through the intelligence API is tested in tests/server/test_stats_disseminations.py): they
are not reports, so no count of reports changes."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.db import create_engine, session_factory, transaction
from sen_server.intel.models import Disclosure
from sen_server.migrate import upgrade_async
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.factories import complete_report
from tests.support.servers import ServerProcess

LAST_DAY_OF_FY2026 = datetime(2026, 9, 30, 15, 0, tzinfo=UTC)
FIRST_DAY_OF_FY2027 = datetime(2026, 10, 1, 15, 0, tzinfo=UTC)
# (when, author, category, how many): 6 + 2 in FY2026's last day, 3 + 1 in FY2027's first.
WRITTEN = [
    (LAST_DAY_OF_FY2026, "agent.nyc", "seizure", 6),
    (LAST_DAY_OF_FY2026, "agent.lax", "arrest", 2),
    (FIRST_DAY_OF_FY2027, "agent.nyc", "arrest", 3),
    (FIRST_DAY_OF_FY2027, "agent.lax", "use_of_force", 1),
]
SINCE, UNTIL = "2026-09-01", "2026-10-31"
# (when, channel): 2 files and 1 e-mail on FY2026's last day, 1 file on FY2027's first.
DISSEMINATED = [
    (LAST_DAY_OF_FY2026, "file"),
    (LAST_DAY_OF_FY2026, "file"),
    (LAST_DAY_OF_FY2026, "email"),
    (FIRST_DAY_OF_FY2027, "file"),
]


async def seed_disseminations(settings: ServerSettings) -> None:
    engine = create_engine(settings)
    try:
        async with transaction(session_factory(engine)) as session:
            for n, (when, channel) in enumerate(DISSEMINATED, start=1):
                session.add(
                    Disclosure(
                        disclosed_at=when,
                        agency_name="Test Task Force",
                        agency_address="1 Example Plaza, Springfield",
                        purpose="Joint investigation of a smuggling network",
                        channel=channel,
                        product_id=1,
                        product_title="Smuggling route activity",
                        product_revision=1,
                        recorded_by="intel.ops1",
                        export_name=f"IP-1-D{n}.eml",
                        message_sha256="0" * 64,
                    )
                )
    finally:
        await engine.dispose()


async def seed_stats_data(settings: ServerSettings) -> None:
    clock = FakeClock(LAST_DAY_OF_FY2026)
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        seed = 0
        for when, author, category, count in WRITTEN:
            clock.moment = when
            heads = {author: await login(client, author)}  # a new day: a new session
            for _ in range(count):
                seed += 1
                clock.advance(minutes=1)
                payload = complete_report("SIR", now=clock(), seed=seed)
                payload["body"]["category"] = category
                made = await client.post("/api/v1/reports", json=payload, headers=heads[author])
                assert made.status_code == 201, made.text
                sent = await client.post(
                    f"/api/v1/reports/{made.json()['id']}/submit",
                    json={"base_revision": made.json()["revision"]},
                    headers=heads[author],
                )
                assert sent.status_code == 200, sent.text


@pytest.fixture(scope="module")
async def stats_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    settings = server_settings(tmp_path_factory.mktemp("stats-server"))
    await upgrade_async(settings)
    await seed_demo(settings, reports=0)
    await seed_stats_data(settings)
    await seed_disseminations(settings)
    server = ServerProcess(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()
