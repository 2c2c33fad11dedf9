"""A page of the audit list at 1,000,000 records, on SQLite and PostgreSQL, in one run.

    uv run python -m bench.audit_list [--records 1000000] [--repeat 20] [--pages 100]
                                      [--backend both|sqlite|postgres]

For each database: the demo organisation (``demo-data --reports 0``), then ``--records``
audit records appended to its chain (real hashes, bench/audit_chain.py's mix of actions,
actors and details), bulk-loaded as bench/bulk.py loads reports. Then a real SEN server
process answers, through httpx with keep-alive, as the ISSO: ``GET /api/v1/audit`` with 50
records a page — the first page, the ``--pages``-th (following ``next_cursor``), and the
first page under each filter (actor, one action, a group of actions that is common and one
that is rare, an object, an outcome, an hour two days back) — and the failed-logon report
over the last 24 hours. Each case is timed ``--repeat`` times after one untimed request.
Baseline, in the same run, through SEN's own engine set-up, in-process:
``SELECT * FROM audit_record ORDER BY seq DESC LIMIT 50`` on its primary key.
"""

import argparse
import asyncio
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import bulk
from bench.audit_chain import ACTORS, _entry
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
from sen_server.audit.chain import canonical_form, link_hash
from sen_server.settings import ServerSettings
from sen_tui.launcher import ServerProcess, server_env

BASELINE_SQL = "SELECT * FROM audit_record ORDER BY seq DESC LIMIT 50"
LIMIT = 50
COLUMNS = (
    "seq", "at", "actor", "roles", "session", "source", "action",
    "object_type", "object_id", "outcome", "details", "prev_hash", "hash",
)  # fmt: skip
SPAN = timedelta(days=3)  # the bulk records' times: the three days up to the load


@dataclass(frozen=True)
class Case:
    label: str
    path: str
    params: dict[str, str]
    page: int = 1


def cases(pages: int, object_id: str, now: datetime) -> list[Case]:
    hour = (now - timedelta(days=2)).replace(microsecond=0)
    window = {"since": hour.isoformat(), "until": (hour + timedelta(hours=1)).isoformat()}
    return [
        Case("GET /api/v1/me (fixed cost of an authenticated request)", "/api/v1/me", {}),
        Case("audit, first page", "/api/v1/audit", {}),
        Case(f"audit, page {pages}", "/api/v1/audit", {}, pages),
        Case("audit, actor=iroc.watch", "/api/v1/audit", {"actor": "iroc.watch"}),
        Case("audit, action=report.submit", "/api/v1/audit", {"action": "report.submit"}),
        Case("audit, action group report.", "/api/v1/audit", {"action": "report."}),
        Case("audit, action group admin. (rare)", "/api/v1/audit", {"action": "admin."}),
        Case(f"audit, object_id={object_id}", "/api/v1/audit", {"object_id": object_id}),
        Case("audit, outcome=failure", "/api/v1/audit", {"outcome": "failure"}),
        Case("audit, an hour two days back", "/api/v1/audit", window),
        Case("failed-logon report, last 24 hours", "/api/v1/audit/failed-logons", {}),
    ]


def _rows(
    count: int, head: tuple[int, str], values: Any, now: datetime
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(2026)
    seq, prev_hash = head
    step = SPAN / count
    at = now - SPAN
    for _ in range(count):
        seq += 1
        at += step
        actor, roles = rng.choice(ACTORS)
        action, object_type, object_id, outcome, details = _entry(rng)
        if action == "auth.login" and outcome == "failure":
            action = "auth.login_failed"  # as the server names a failure today
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor": None if action == "auth.login_failed" else actor,
            "roles": [] if action == "auth.login_failed" else roles,
            "session": f"{rng.getrandbits(64):016x}",
            "source": f"10.0.{rng.randint(0, 3)}.{rng.randint(1, 254)}",
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "outcome": outcome,
            "details": details,
        }
        digest = link_hash(prev_hash, canonical_form(**fields))
        yield (
            seq,
            values.at(at),
            fields["actor"],
            json.dumps(fields["roles"]),
            fields["session"],
            fields["source"],
            action,
            object_type,
            object_id,
            outcome,
            json.dumps(details),
            prev_hash,
            digest,
        )
        prev_hash = digest


def load_records(settings: ServerSettings, count: int, now: datetime) -> tuple[float, str]:
    """Append ``count`` records to the chain; seconds taken and a rare object id."""
    started = time.perf_counter()
    sink, sqlite = bulk._sink(settings)
    values = bulk._Values(sqlite)
    head = sink.rows("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1")[0]
    object_id = ""
    for batch in bulk._chunks(_rows(count, (head[0], head[1]), values, now)):
        sink.insert("audit_record", COLUMNS, batch)
        object_id = object_id or next((row[8] for row in batch if row[7] == "report"), "")
    sink.finish()
    return time.perf_counter() - started, object_id


def _time_case(client: httpx.Client, headers: dict[str, str], case: Case, repeat: int) -> Timing:
    params = {**case.params, "limit": str(LIMIT)} if case.path.endswith("audit") else {}
    for number in range(1, case.page):
        response = client.get(case.path, params=params, headers=headers)
        response.raise_for_status()
        cursor = response.json()["next_cursor"]
        if cursor is None:
            raise SystemExit(f"{case.label}: the log ends at page {number}")
        params["cursor"] = cursor
    samples, body = time_get(client, case.path, headers, repeat, params)
    return Timing(case.label, samples, _note(body))


def _note(body: dict[str, Any]) -> str:
    if "items" in body:
        items = body["items"]
        span = f"seq {items[0]['seq']:,} to {items[-1]['seq']:,}" if items else "none"
        return f"{len(items)} records ({span})"
    if "by_user" in body:
        return f"{body['failures']:,} failures, {len(body['by_user'])} accounts shown"
    return "authenticated; not audited"


def measure(
    name: str, data_dir: Path, url: str, args: argparse.Namespace
) -> tuple[Timing, list[Timing], float]:
    print(f"[{name}] seeding the demo organisation ...", flush=True)
    seed_demo(data_dir, url, reports=0)
    settings = ServerSettings(data_dir=data_dir, database_url=url)
    now = datetime.now(UTC)
    print(f"[{name}] loading {args.records:,} audit records ...", flush=True)
    seconds, object_id = load_records(settings, args.records, now)
    print(f"[{name}] loaded in {seconds:.0f} s (load avg {load()})", flush=True)
    samples = asyncio.run(sql_samples(settings, BASELINE_SQL, args.repeat))
    baseline = Timing(f"baseline: {BASELINE_SQL}", samples, "in-process")
    timings = []
    server = ServerProcess(server_env(data_dir, url), data_dir / "logs", name="sen")
    with running(server) as (sen,):
        headers = {"Authorization": f"Bearer {login(sen.url, 'isso')}"}
        with httpx.Client(base_url=sen.url, timeout=300) as client:
            for case in cases(args.pages, object_id, now):
                print(f"[{name}] {case.label} ...", flush=True)
                timings.append(_time_case(client, headers, case, args.repeat))
    return baseline, timings, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=100, help="the deep page to time")
    add_common_arguments(parser)
    args = parser.parse_args()

    def one(name: str, data_dir: Path, url: str) -> str:
        baseline, timings, _ = measure(name, data_dir, url, args)
        return timing_table(name, baseline, timings)

    run_on_each_backend(args, "sen-bench-audit-list-", one)


if __name__ == "__main__":
    main()
