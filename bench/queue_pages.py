"""Queue pages over 100,000 reports, on SQLite and on PostgreSQL, in one run.

    uv run python -m bench.queue_pages [--reports 100000] [--repeat 5] [--backend both]

For each database: the demo organisation (``demo-data --reports 0``), then ``--reports``
submitted reports bulk-inserted (bench/bulk.py), each delivered to iroc.watch; then a real
SEN server process answers GET /api/v1/queues/{mine,iroc,reports} — first page and a deep
page (offset 50,000) — and /api/v1/queues/counts, timed end to end with httpx: the median
of ``--repeat`` requests, or of as many as fit in ``--case-seconds`` (at least one; the
table's n says how many), which keeps the run near 3 minutes. Baseline, in the same run
and through the same driver (aiosqlite / asyncpg under SQLAlchemy), in-process:
``SELECT * FROM report ORDER BY updated_at DESC LIMIT 50``.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench.bulk import IROC_USER, load_reports
from bench.machine import header, load
from bench.pg import asyncpg_url, throwaway_database
from bench.servers import login, running, seed_demo
from bench.table import markdown, ratio
from sen_server.db import create_engine
from sen_server.settings import ServerSettings
from sen_tui.launcher import ServerProcess, server_env

DEEP = 50_000
BASELINE_SQL = "SELECT * FROM report ORDER BY updated_at DESC LIMIT 50"
DEEP_SQL = f"{BASELINE_SQL} OFFSET {DEEP}"
DEEP_LABEL = f"(reference) the same with OFFSET {DEEP:,}"
PROBE_DELAY = 0.3


@dataclass(frozen=True)
class Case:
    label: str
    user: str
    path: str


CASES = [
    Case("queues/mine, first page", IROC_USER, "/api/v1/queues/mine?limit=50"),
    Case("queues/mine, offset 50,000", IROC_USER, f"/api/v1/queues/mine?limit=50&offset={DEEP}"),
    Case("queues/iroc, first page", IROC_USER, "/api/v1/queues/iroc?limit=50"),
    Case("queues/iroc, offset 50,000", IROC_USER, f"/api/v1/queues/iroc?limit=50&offset={DEEP}"),
    # agent.nyc wrote 60% of the reports: its own queue is the deep one.
    Case("queues/reports, first page", "agent.nyc", "/api/v1/queues/reports?limit=50"),
    Case(
        "queues/reports, offset 50,000",
        "agent.nyc",
        f"/api/v1/queues/reports?limit=50&offset={DEEP}",
    ),
    Case("queues/counts", IROC_USER, "/api/v1/queues/counts"),
]
# A cheap authenticated request: what every SEN request costs before its own queries.
PROBE = Case("GET /api/v1/me", "agent.nyc", "/api/v1/me")


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    samples: int
    note: str


@dataclass(frozen=True)
class Budget:
    repeat: int  # timed requests per case, at most
    case_seconds: float  # stop repeating a case once it has taken this long (min. 1 sample)

    def more(self, samples: list[float]) -> bool:
        return not samples or (len(samples) < self.repeat and sum(samples) < self.case_seconds)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def _baseline(settings: ServerSettings, sql: str, repeat: int) -> list[float]:
    # SEN's own engine setup, so the driver and its connection pragmas are the same.
    engine = create_engine(settings)
    samples = []
    try:
        async with engine.connect() as conn:
            for attempt in range(repeat + 1):  # the first warms the cache, unrecorded
                started = time.perf_counter()
                (await conn.execute(text(sql))).fetchall()
                if attempt:
                    samples.append(time.perf_counter() - started)
            await conn.rollback()
    finally:
        await engine.dispose()
    return samples


def _time_case(client: httpx.Client, token: str, case: Case, budget: Budget) -> Timing:
    headers = {"Authorization": f"Bearer {token}"}
    samples: list[float] = []
    body: dict[str, Any] = {}
    # No unrecorded warm-up: a request can take seconds here, and the median of the
    # repeats already discounts a cold first one.
    while budget.more(samples):
        started = time.perf_counter()
        response = client.get(case.path, headers=headers)
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
        body = response.json()
    if "items" in body:
        note = f"{len(body['items'])} items of {body['total']:,}"
    elif "user" in body:
        note = "fixed cost of an authenticated, audited request"
    else:
        note = ", ".join(f"{q} {c['total']:,}" for q, c in body.items())
    return Timing(case.label, _median_ms(samples), len(samples), note)


def _blocked_probe(client: httpx.Client, tokens: dict[str, str], name: str) -> Timing:
    """GET /api/v1/me while a deep queue page is being computed for someone else.

    Every SEN request opens its transactions with BEGIN IMMEDIATE on SQLite, i.e. takes
    the single write lock, and a queue page holds it for as long as its queries run.
    """
    slow, probe = CASES[1], PROBE
    started = threading.Event()

    def deep_page() -> None:
        started.set()
        headers = {"Authorization": f"Bearer {tokens[slow.user]}"}
        httpx.get(f"{client.base_url}{slow.path}", headers=headers, timeout=300)

    thread = threading.Thread(target=deep_page)
    thread.start()
    started.wait()
    time.sleep(PROBE_DELAY)  # let the page's transaction begin
    timing = _time_case(client, tokens[probe.user], probe, Budget(1, 0))
    thread.join()
    label = f"{probe.label} while {slow.label} runs (one probe)"
    return Timing(label, timing.median_ms, 1, f"compare with {probe.label} alone above")


def _prepare(name: str, data_dir: Path, url: str, reports: int) -> ServerSettings:
    started = time.perf_counter()
    print(f"[{name}] seeding the demo organisation ...", flush=True)
    seed_demo(data_dir, url, reports=0)
    settings = ServerSettings(data_dir=data_dir, database_url=url, sqlite_synchronous="NORMAL")
    asyncio.run(load_reports(settings, reports))
    elapsed = time.perf_counter() - started
    print(f"[{name}] demo organisation + {reports:,} reports in {elapsed:.0f} s", flush=True)
    return settings


def measure(name: str, data_dir: Path, url: str, reports: int, budget: Budget) -> list[Timing]:
    settings = _prepare(name, data_dir, url, reports)
    timings = []
    for label, sql in ((f"baseline: {BASELINE_SQL}", BASELINE_SQL), (DEEP_LABEL, DEEP_SQL)):
        samples = asyncio.run(_baseline(settings, sql, budget.repeat))
        timings.append(Timing(label, _median_ms(samples), len(samples), "in-process"))
    server = ServerProcess(server_env(data_dir, url), data_dir / "logs", name="sen")
    with running(server) as (sen,):
        tokens = {user: login(sen.url, user) for user in {c.user for c in [*CASES, PROBE]}}
        with httpx.Client(base_url=sen.url, timeout=300) as client:
            for case in [PROBE, *CASES]:
                print(f"[{name}] {case.label} ...", flush=True)
                timings.append(_time_case(client, tokens[case.user], case, budget))
            timings.append(_blocked_probe(client, tokens, name))
    return timings


def table(name: str, timings: list[Timing]) -> str:
    base = timings[0].median_ms
    rows = [
        [name, t.label, f"{t.median_ms:,.1f}", ratio(t.median_ms, base), t.samples, t.note]
        for t in timings
    ]
    return markdown(["db", "case", "median ms", "÷ baseline", "n", "notes"], rows)


@contextmanager
def _backend(name: str) -> Iterator[str]:
    """The database URL for a backend ('' is SEN's SQLite file in the data dir)."""
    if name == "sqlite":
        yield ""
        return
    with throwaway_database() as database:
        yield asyncpg_url(database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per case")
    parser.add_argument(
        "--case-seconds",
        type=float,
        default=10,
        help="stop repeating a case after this long (keeps the run bounded; n shows the count)",
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    os.environ["SEN_CONFIG"] = "/nonexistent"  # never a developer's sen-server.toml
    print(header(), flush=True)
    names = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    tables = []
    with tempfile.TemporaryDirectory(prefix="sen-bench-queues-") as work:
        for name in names:
            with _backend(name) as url:
                data_dir = Path(work) / name
                budget = Budget(args.repeat, args.case_seconds)
                tables.append(table(name, measure(name, data_dir, url, args.reports, budget)))
    print()
    print("\n\n".join(tables))
    print(f"\nload avg at the end: {load()}")


if __name__ == "__main__":
    main()
