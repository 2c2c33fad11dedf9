"""Statistics at 1,000,000 reports: ``GET /api/v1/stats`` against a plain COUNT(*) GROUP BY.

The reports are spread over five years of the demo organisation's field offices (types,
statuses, SIR categories, LEARA dispositions and late flags drawn at random), loaded with
each database's bulk path (``bench.bulk``'s sinks), then counted into ``stats_rollup`` by
migration 0010's own backfill statement, as an upgrade of a live database would. A real
``sen-server`` answers the statistician (and an office manager, whose area joins the office
table) over HTTP; the baseline is ``SELECT type, COUNT(*) FROM report GROUP BY type`` on the
same table in the same run, in-process on SEN's own engine.

    uv run python -m bench.stats --backend both      # ~10 min on 2 cores
"""

import argparse
import asyncio
import importlib.util
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
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
from shared.catalogue import LEARA_DISPOSITIONS, SIR_CATEGORIES

BASELINE_SQL = "SELECT type, COUNT(*) FROM report GROUP BY type"
MIGRATION = Path(__file__).parent.parent / "sen_server/migrations/versions/0010_stats_rollup.py"
YEARS = 5
AUTHORS = ("agent.nyc", "agent.lax", "officer.nyc", "officer.lax", "sup.nyc", "sup.lax")
TYPES = {
    "HSI": ("SIR", "OPPRED", "SPEAR", "LEARA", "SPOT"),
    "ERO": ("SIR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV"),
}
STATUSES = ("submitted",) * 17 + ("closed", "closed", "draft")
COLUMNS = [
    "id", "type", "status", "version", "revision", "title", "marking", "priority",
    "created_at", "updated_at", "submitted_at", "late", "author_id", "author_office_id",
    "program", "recipients", "body",
]  # fmt: skip
# (who, query): the cases a statistician and a manager ask, from small to the largest.
CASES = [
    ("stats", "group_by=type&bucket=month"),
    ("stats", "group_by=category&bucket=fiscal_year&since=2021-10-01"),
    ("stats", "group_by=office&bucket=week"),
    ("stats", "group_by=type&bucket=week&since=2021-12-06"),
    ("stats", "group_by=status&bucket=day&since={d90}&type=SIR"),
    ("stats", "group_by=status&bucket=day&since={d399}"),
    ("stats", "group_by=aor&bucket=month&since=2021-12-01&program=HSI"),
    ("stats", "group_by=disposition&bucket=month&since=2021-12-01"),
    ("sac.nyc", "group_by=type&bucket=month&since=2021-12-01"),
]


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stats_migration", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(authors: list[tuple[int, int, str]], count: int, sqlite: bool) -> Any:
    values = bulk._Values(sqlite)
    rng = random.Random(42)
    now = datetime.now(UTC)
    span = int(timedelta(days=365 * YEARS).total_seconds())
    bodies = {
        "SIR": [{"category": c} for c in SIR_CATEGORIES],
        "OPPRED": [{"category": c} for c in SIR_CATEGORIES],
        "LEARA": [{"disposition_status": d} for d in LEARA_DISPOSITIONS],
    }
    for n in range(count):
        author_id, office_id, program = authors[n % len(authors)]
        report_type = rng.choice(TYPES[program])
        status = rng.choice(STATUSES)
        at = now - timedelta(seconds=rng.randrange(span))
        body = rng.choice(bodies.get(report_type, [{}]))
        yield (
            f"{report_type}-B-{n:07d}", report_type, status, 1, 1, "bench", "LES", "routine",
            values.at(at), values.at(at), values.at(None if status == "draft" else at),
            values.flag(report_type == "SIR" and rng.random() < 0.1), author_id, office_id,
            program, "{}", values.document(body),
        )  # fmt: skip


def load_reports(settings: ServerSettings, count: int) -> float:
    started = time.perf_counter()
    sink, sqlite = bulk._sink(settings)
    names = ", ".join(f"'{a}'" for a in AUTHORS)
    authors = sink.rows(f'SELECT id, office_id, program FROM "user" WHERE username IN ({names})')
    for batch in bulk._chunks(_rows(authors, count, sqlite)):
        sink.insert("report", COLUMNS, batch)
    dialect = "sqlite" if sqlite else "postgresql"
    # The organisation was seeded without reports: the rollup is empty until this backfill.
    # (RETURNING: the sinks' one statement call fetches rows.)
    migration = _migration()
    for grain in migration.GRAINS:
        sink.rows(migration.backfill_sql(dialect, grain) + " RETURNING 1")
    rollup = sink.rows("SELECT grain, COUNT(*) FROM stats_rollup GROUP BY grain ORDER BY 1")
    sink.finish()
    print(f"  {count:,} reports; rollup rows per grain: {rollup}", flush=True)
    return time.perf_counter() - started


def measure(
    name: str, data_dir: Path, url: str, args: argparse.Namespace
) -> tuple[Timing, list[Timing]]:
    print(f"[{name}] seeding the demo organisation ...", flush=True)
    seed_demo(data_dir, url, reports=0)
    settings = ServerSettings(data_dir=data_dir, database_url=url)
    print(f"[{name}] loading {args.reports:,} reports and the rollup ...", flush=True)
    seconds = load_reports(settings, args.reports)
    print(f"[{name}] loaded in {seconds:.0f} s (load avg {load()})", flush=True)
    samples = asyncio.run(sql_samples(settings, BASELINE_SQL, args.repeat))
    baseline = Timing(f"baseline: {BASELINE_SQL}", samples, "in-process")
    today = datetime.now(UTC).date()
    days_ago = {"d90": today - timedelta(days=90), "d399": today - timedelta(days=399)}
    timings = []
    server = ServerProcess(server_env(data_dir, url), data_dir / "logs", name="sen")
    with running(server) as (sen,):
        tokens = {user: login(sen.url, user) for user in {u for u, _ in CASES}}
        with httpx.Client(base_url=sen.url, timeout=300) as client:
            for user, query in CASES:
                path = f"/api/v1/stats?{query.format(**days_ago)}"
                headers = {"Authorization": f"Bearer {tokens[user]}"}
                samples, body = time_get(client, path, headers, args.repeat)
                cells = len(body["rows"]) * len(body["columns"])
                note = f"{cells} cells, {body['total']:,} reports ({body['scope']})"
                label = query.format(d90="-90d", d399="-399d")
                timings.append(Timing(f"{user}: {label}", samples, note))
                print(f"[{name}] {timings[-1].label}: p95 {timings[-1].p95_ms:.1f} ms", flush=True)
    return baseline, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    add_common_arguments(parser)
    args = parser.parse_args()

    def one(name: str, data_dir: Path, url: str) -> str:
        return timing_table(name, *measure(name, data_dir, url, args))

    run_on_each_backend(args, "sen-bench-stats-", one)


if __name__ == "__main__":
    main()
