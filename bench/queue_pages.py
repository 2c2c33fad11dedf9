"""Queue pages at agency scale, on SQLite and on PostgreSQL, in one run.

    uv run python -m bench.queue_pages [--reports 1000000] [--users 20000] [--repeat 20]
                                       [--pages 100] [--backend both|sqlite|postgres]

For each database: the demo organisation (``demo-data --reports 0``), then ``--users``
users and ``--reports`` submitted reports with their deliveries, bulk-loaded
(bench/bulk.py: executemany at ``synchronous=OFF`` on SQLite, COPY on PostgreSQL). Then a
real SEN server process (SQLite at its durable default) answers, through httpx with
keep-alive: ``mine`` and ``iroc`` as iroc.watch (every IROC-type report is delivered to
it), ``reports`` as agent.nyc (who wrote 30 % of them) — the first page and the
``--pages``-th page, reached by following ``next_cursor`` — and ``/queues/counts`` for
both. Each case is timed ``--repeat`` times after one untimed request; the table gives the
median and the 95th percentile. Baseline, in the same run, through SEN's own engine set-up
(aiosqlite / asyncpg under SQLAlchemy, same pragmas), in-process:
``SELECT * FROM report ORDER BY updated_at DESC LIMIT 50`` on its index.
"""

import argparse
import asyncio
import math
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench import bulk
from bench.machine import header, load
from bench.pg import asyncpg_url, throwaway_database
from bench.servers import login, running, seed_demo
from bench.table import markdown, ratio
from sen_server.db import create_engine
from sen_server.settings import ServerSettings
from sen_tui.launcher import ServerProcess, server_env

BASELINE_SQL = "SELECT * FROM report ORDER BY updated_at DESC LIMIT 50"
LIMIT = 50


@dataclass(frozen=True)
class Case:
    label: str
    user: str
    queue: str | None  # None: /queues/counts
    page: int = 1  # 1: the first page; n: the n-th, reached by following cursors


def cases(pages: int) -> list[Case]:
    found = []
    for user, queue in (
        (bulk.IROC_USER, "mine"),
        (bulk.IROC_USER, "iroc"),
        ("agent.nyc", "reports"),
    ):
        found.append(Case(f"queues/{queue} ({user}), first page", user, queue))
        found.append(Case(f"queues/{queue} ({user}), page {pages}", user, queue, pages))
    found += [Case(f"queues/counts ({user})", user, None) for user in (bulk.IROC_USER, "agent.nyc")]
    return found


# A cheap authenticated request: what every SEN request costs before its own queries.
PROBE = Case("GET /api/v1/me (fixed cost of an authenticated request)", "agent.nyc", None, 0)


@dataclass(frozen=True)
class Timing:
    label: str
    samples: list[float]
    note: str

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


async def _baseline(settings: ServerSettings, repeat: int) -> list[float]:
    # SEN's own engine setup, so the driver and its connection pragmas are the same.
    engine = create_engine(settings)
    samples = []
    try:
        async with engine.connect() as conn:
            for attempt in range(repeat + 1):  # the first warms the cache, unrecorded
                started = time.perf_counter()
                (await conn.execute(text(BASELINE_SQL))).fetchall()
                if attempt:
                    samples.append(time.perf_counter() - started)
            await conn.rollback()
    finally:
        await engine.dispose()
    return samples


def _path(case: Case, cursor: str | None) -> str:
    if case.queue is None:
        return "/api/v1/me" if case.page == 0 else "/api/v1/queues/counts"
    query = f"?limit={LIMIT}" + (f"&cursor={cursor}" if cursor else "")
    return f"/api/v1/queues/{case.queue}{query}"


def _cursor_to(client: httpx.Client, headers: dict[str, str], case: Case) -> str | None:
    """Follow next_cursor from the first page to the one before ``case.page``."""
    cursor = None
    for number in range(1, case.page):
        response = client.get(_path(case, cursor), headers=headers)
        response.raise_for_status()
        cursor = response.json()["next_cursor"]
        if cursor is None:
            raise SystemExit(f"{case.label}: the queue ends at page {number}")
    return cursor


def _time_case(client: httpx.Client, token: str, case: Case, repeat: int) -> Timing:
    headers = {"Authorization": f"Bearer {token}"}
    path = _path(case, _cursor_to(client, headers, case) if case.queue else None)
    samples: list[float] = []
    body: dict[str, Any] = {}
    for attempt in range(repeat + 1):  # the first is a warm-up, unrecorded
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        body = response.json()
        if attempt:
            samples.append(elapsed)
    return Timing(case.label, samples, _note(body))


def _count(counts: dict[str, Any], what: str) -> str:
    return f"{counts[what]:,}" + ("" if counts[f"{what}_exact"] else "+")


def _note(body: dict[str, Any]) -> str:
    if "items" in body:
        first = body["items"][0]["id"] if body["items"] else "-"
        return f"{len(body['items'])} items from {first}, of {_count(body, 'total')}"
    if "user" in body:
        return "authenticated; not audited, so no commit (a queue page commits its audit record)"
    return ", ".join(
        f"{q} {_count(c, 'total')} ({_count(c, 'unread')} unread)" for q, c in body.items()
    )


def _prepare(name: str, data_dir: Path, url: str, reports: int, users: int) -> ServerSettings:
    started = time.perf_counter()
    print(f"[{name}] seeding the demo organisation ...", flush=True)
    seed_demo(data_dir, url, reports=0)
    settings = ServerSettings(data_dir=data_dir, database_url=url)
    print(f"[{name}] loading {users:,} users and {reports:,} reports ...", flush=True)
    loaded = bulk.load(settings, reports, users)
    print(
        f"[{name}] loaded {loaded.users:,} users, {loaded.reports:,} reports, "
        f"{loaded.deliveries:,} deliveries in {loaded.seconds:.0f} s "
        f"({time.perf_counter() - started:.0f} s with the organisation; load avg {load()})",
        flush=True,
    )
    return settings


def measure(
    name: str, data_dir: Path, url: str, args: argparse.Namespace
) -> tuple[Timing, list[Timing]]:
    settings = _prepare(name, data_dir, url, args.reports, args.users)
    baseline = Timing(
        f"baseline: {BASELINE_SQL}", asyncio.run(_baseline(settings, args.repeat)), "in-process"
    )
    timings = []
    server = ServerProcess(server_env(data_dir, url), data_dir / "logs", name="sen")
    with running(server) as (sen,):
        every = [PROBE, *cases(args.pages)]
        tokens = {user: login(sen.url, user) for user in {c.user for c in every}}
        with httpx.Client(base_url=sen.url, timeout=300) as client:
            for case in every:
                print(f"[{name}] {case.label} ...", flush=True)
                timings.append(_time_case(client, tokens[case.user], case, args.repeat))
    return baseline, timings


def table(name: str, baseline: Timing, timings: list[Timing]) -> str:
    base = baseline.p95_ms
    rows = [
        [
            name,
            t.label,
            f"{t.median_ms:,.1f}",
            f"{t.p95_ms:,.1f}",
            ratio(t.p95_ms, base),
            len(t.samples),
            t.note,
        ]
        for t in [baseline, *timings]
    ]
    headers = ["db", "case", "median ms", "p95 ms", "p95 ÷ baseline p95", "n", "notes"]
    return markdown(headers, rows)


@contextmanager
def _backend(name: str) -> Iterator[str]:
    """The database URL for a backend ('' is SEN's SQLite file in the data dir)."""
    if name == "sqlite":
        yield ""
        return
    with throwaway_database() as database:
        yield asyncpg_url(database)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per case")
    parser.add_argument("--pages", type=int, default=100, help="the deep page to time")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    os.environ["SEN_CONFIG"] = "/nonexistent"  # never a developer's sen-server.toml
    print(header(), flush=True)
    names = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    tables = []
    with tempfile.TemporaryDirectory(prefix="sen-bench-queues-") as work:
        for name in names:
            with _backend(name) as url:
                tables.append(table(name, *measure(name, Path(work) / name, url, args)))
    print()
    print("\n\n".join(tables))
    print(f"\nload avg at the end: {load()}")


if __name__ == "__main__":
    main()
