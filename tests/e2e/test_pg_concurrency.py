"""Many people editing the same drafts through two server instances on one PostgreSQL
database (SPEC §3 "Every write carries the version it was based on", §9 "One chain, in
order, even with several server instances writing at once").

50 writers, split across two real `sen-server serve` processes, keep reading a small set of
shared drafts and PATCHing them with the version they read, for a fixed time. What a user
would notice if this went wrong: an error page (5xx), a conflict that doesn't say what the
current version is, an edit acknowledged with 200 that then vanished (lost update), or an
audit log that no longer verifies or misses a write.
"""

import asyncio
import os
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlmodel import col, func, select

from sen_server.audit.verify import verify_chain
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.demo import seed_demo

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DURATION_SECONDS = float(os.environ.get("SEN_TEST_CONCURRENCY_SECONDS", "30"))
WRITERS = 50
SESSIONS = 10  # agent.nyc logged in this many times, shared by the writers
DRAFTS = 5


@dataclass
class Tally:
    """What the writers saw, per report."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)  # (method, status)
    # Per report, (the revision an accepted edit made, its marker).
    accepted: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)


async def writer(
    number: int,
    http: httpx.AsyncClient,
    headers: dict[str, str],
    drafts: list[str],
    deadline: float,
    tally: Tally,
) -> None:
    """Read a shared draft, change its title to a marker of our own, based on what we read."""
    rng = random.Random(number)
    attempt = 0
    while time.monotonic() < deadline:
        report_id = rng.choice(drafts)
        read = await http.get(f"/api/v1/reports/{report_id}", headers=headers)
        tally.statuses["GET", read.status_code] += 1
        if read.status_code != 200:
            tally.problems.append(f"GET {report_id}: {read.status_code} {read.text[:200]}")
            continue
        base = read.json()["revision"]
        attempt += 1
        marker = f"writer {number} edit {attempt}"
        wrote = await http.patch(
            f"/api/v1/reports/{report_id}",
            json={"base_revision": base, "title": marker},
            headers=headers,
        )
        tally.statuses["PATCH", wrote.status_code] += 1
        if wrote.status_code == 200:
            body = wrote.json()
            if body["revision"] != base + 1 or body["title"] != marker:
                tally.problems.append(f"200 for {marker} on r{base} answered {body['revision']}")
            tally.accepted[report_id].append((body["revision"], marker))
        elif wrote.status_code == 409:
            tally.conflicts += 1
            body = wrote.json()
            current = (body.get("extra") or {}).get("current") or {}
            if body.get("reason") != "version_conflict" or not (
                current.get("id") == report_id and int(current.get("revision", 0)) > base
            ):
                tally.problems.append(f"409 without the current version: {wrote.text[:300]}")
        else:
            tally.problems.append(f"PATCH {report_id}: {wrote.status_code} {wrote.text[:200]}")


async def test_concurrent_writers_on_two_instances_lose_nothing(
    pg_settings: ServerSettings, start_server: Any
) -> None:
    """50 writers on two instances for DURATION_SECONDS: only 200s and 409s, every 409 names
    the current version, no acknowledged edit is lost, and the audit chain is whole and has
    exactly one success record per accepted edit."""
    await seed_demo(pg_settings)
    servers = [start_server(pg_settings), start_server(pg_settings)]
    limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
    clients = [
        httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) for server in servers
    ]
    try:
        sessions = [await login(clients[n % 2], "agent.nyc") for n in range(SESSIONS)]
        drafts = []
        for n in range(DRAFTS):
            created = await clients[0].post(
                "/api/v1/reports",
                json={"type": "SIR", "title": f"shared draft {n}"},
                headers=sessions[0],
            )
            assert created.status_code == 201, created.text
            drafts.append(created.json()["id"])

        tally = Tally()
        deadline = time.monotonic() + DURATION_SECONDS
        await asyncio.gather(
            *(
                writer(n, clients[n % 2], sessions[n % SESSIONS], drafts, deadline, tally)
                for n in range(WRITERS)
            )
        )

        print(f"{DURATION_SECONDS:.0f} s, {WRITERS} writers: {dict(tally.statuses)}")
        assert not tally.problems, tally.problems[:10]
        assert {status for (_, status) in tally.statuses} <= {200, 409}, tally.statuses
        accepted = sum(len(markers) for markers in tally.accepted.values())
        assert accepted > 0 and tally.conflicts > 0, tally.statuses  # real contention

        for report_id in drafts:
            final = await clients[1].get(f"/api/v1/reports/{report_id}", headers=sessions[1])
            # Each accepted edit made the next revision, none twice (no edit was written
            # over unseen), and the last of them is what is stored.
            edits = sorted(tally.accepted[report_id])
            assert [r for r, _ in edits] == list(range(2, len(edits) + 2)), report_id
            stored = final.json()
            assert stored["revision"] == 1 + len(edits), report_id
            if edits:
                assert stored["title"] == edits[-1][1], report_id
            # Draft saves rewrite the working version: still version 1, with one history row.
            versions = await clients[0].get(
                f"/api/v1/reports/{report_id}/versions", headers=sessions[0]
            )
            assert versions.status_code == 200
            assert [v["version"] for v in versions.json()] == [1]
    finally:
        for client in clients:
            await client.aclose()
        for server in servers:
            server.stop()

    for server in servers:
        assert " 500 " not in server.log_text()
    await _check_audit(pg_settings, accepted, tally.conflicts)


async def _check_audit(settings: ServerSettings, accepted: int, conflicts: int) -> None:
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            result = await verify_chain(
                session, runtime.signer, checkpoint_every=settings.audit_checkpoint_every
            )
            assert result.ok, result
            seqs = list(
                (await session.exec(select(AuditRecord.seq).order_by(col(AuditRecord.seq)))).all()
            )
            assert seqs == list(range(1, len(seqs) + 1))

            async def count(outcome: str) -> int:
                counted: int = (
                    await session.exec(
                        select(func.count())
                        .select_from(AuditRecord)
                        .where(
                            AuditRecord.action == "report.update", AuditRecord.outcome == outcome
                        )
                    )
                ).one()
                return counted

            assert await count("success") == accepted
            assert await count("failure") == conflicts
    finally:
        await runtime.engine.dispose()
