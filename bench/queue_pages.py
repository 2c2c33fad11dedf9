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
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import bulk
from bench.machine import load
from bench.servers import login, running, seed_demo
from bench.timing import (
    Timing,
    add_common_arguments,
    run_on_each_backend,
    sql_samples,
    time_get,
    timing_table,
)
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
    samples, body = time_get(client, path, headers, repeat)
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
    samples = asyncio.run(sql_samples(settings, BASELINE_SQL, args.repeat))
    baseline = Timing(f"baseline: {BASELINE_SQL}", samples, "in-process")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=100, help="the deep page to time")
    add_common_arguments(parser)
    args = parser.parse_args()

    def one(name: str, data_dir: Path, url: str) -> str:
        return timing_table(name, *measure(name, data_dir, url, args))

    run_on_each_backend(args, "sen-bench-queues-", one)


if __name__ == "__main__":
    main()
