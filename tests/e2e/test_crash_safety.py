"""Crash safety under group commit (SPEC §9; ENGINEERING.md "Audit").

A real `sen-server serve` takes a mixed load of audited reads and draft creations from
concurrent clients and is killed with SIGKILL at a random moment, 50 times, each time
restarted on the same database. What a user or an auditor would notice if group commit
cut a corner: a draft the server said it created (201) that is gone after the restart, a
report someone was shown (200) with no audit record of the view, or an audit chain that no
longer verifies. Answers that never arrived may or may not have happened; both are fine.
"""

import asyncio
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlmodel import col, func, select

from sen_server.audit.verify import verify_chain
from sen_server.models import AuditRecord, Report
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.demo import seed_demo

pytestmark = [pytest.mark.slow]

KILLS = int(os.environ.get("SEN_TEST_CRASH_KILLS", "50"))
CLIENTS = 8
USER = "agent.nyc"


@dataclass
class Answered:
    """What the server confirmed before it died."""

    created: dict[str, str] = field(default_factory=dict)  # report id -> its unique title
    views: Counter[str] = field(default_factory=Counter)  # report id -> 200s received
    unexpected: list[str] = field(default_factory=list)


async def client_load(
    number: int,
    http: httpx.AsyncClient,
    headers: dict[str, str],
    read_ids: list[str],
    answered: Answered,
) -> None:
    rng = random.Random(number)
    sent = 0
    while True:
        sent += 1
        try:
            if rng.random() < 0.4:
                title = f"crash test {number}-{sent}"
                response = await http.post(
                    "/api/v1/reports", json={"type": "SIR", "title": title}, headers=headers
                )
                if response.status_code == 201:
                    answered.created[response.json()["id"]] = title
                    continue
            else:
                report_id = rng.choice(read_ids)
                response = await http.get(f"/api/v1/reports/{report_id}", headers=headers)
                if response.status_code == 200:
                    answered.views[report_id] += 1
                    continue
            answered.unexpected.append(f"{response.status_code} {response.text[:200]}")
        except httpx.HTTPError:
            await asyncio.sleep(0.05)  # the server is down or restarting: try again


async def test_sigkill_under_load_loses_no_answered_write_or_view_record(
    db_settings: ServerSettings, start_server: Any
) -> None:
    # The server's own default; the other tests save fsyncs with NORMAL.
    settings = db_settings.model_copy(update={"sqlite_synchronous": "FULL"})
    await seed_demo(settings)
    server = start_server(settings)
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=server.url, timeout=10, limits=limits) as http:
        headers = await login(http, USER)
        read_ids = []
        for n in range(3):
            made = await http.post(
                "/api/v1/reports", json={"type": "SIR", "title": f"read me {n}"}, headers=headers
            )
            read_ids.append(made.json()["id"])
        answered = Answered()
        load = [
            asyncio.create_task(client_load(n, http, headers, read_ids, answered))
            for n in range(CLIENTS)
        ]
        rng = random.Random(2026)
        try:
            for _ in range(KILLS):
                await asyncio.sleep(rng.uniform(0.2, 0.8))
                server.stop(kill=True)
                await asyncio.to_thread(server.start)
        finally:
            for task in load:
                task.cancel()
            await asyncio.gather(*load, return_exceptions=True)
        server.stop()

    assert not answered.unexpected, answered.unexpected[:5]
    assert answered.created and answered.views, "the load never got an answer"
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            titles = dict(
                (
                    await session.exec(
                        select(Report.id, Report.title).where(
                            col(Report.id).in_(list(answered.created))
                        )
                    )
                ).all()
            )
            assert titles == answered.created, "a draft answered with 201 is gone"
            recorded_views = dict(
                (
                    await session.exec(
                        select(AuditRecord.object_id, func.count())
                        .where(
                            col(AuditRecord.action) == "report.view", col(AuditRecord.actor) == USER
                        )
                        .group_by(col(AuditRecord.object_id))
                    )
                ).all()
            )
            for report_id, shown in answered.views.items():
                assert recorded_views.get(report_id, 0) >= shown, f"views of {report_id} unrecorded"
            created_records = set(
                (
                    await session.exec(
                        select(AuditRecord.object_id).where(
                            col(AuditRecord.action) == "report.create"
                        )
                    )
                ).all()
            )
            assert set(answered.created) <= created_records
            verdict = await verify_chain(session, runtime.signer)
            assert verdict.ok, verdict.problem
    finally:
        await runtime.engine.dispose()
    print(
        f"{settings.database_url or 'sqlite'}: {KILLS} kills, "
        f"{len(answered.created)} answered creates, {sum(answered.views.values())} answered views"
    )
