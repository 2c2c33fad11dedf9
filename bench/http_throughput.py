"""HTTP throughput: SEN's endpoints against bare Litestar endpoints, in one run, on SQLite
and on PostgreSQL.

    uv run python -m bench.http_throughput [--seconds 10] [--reports 300] [--backend both]

For each database: a SEN server on a fresh data dir (SQLite at its default
``synchronous=FULL``, or a throwaway PostgreSQL database) with the demo organisation and
``--reports`` reports, and the baseline app (bench/baseline_app.py), each on a free
loopback port, both under uvicorn. Each case is measured right after its own baseline, so
the ratio compares two adjacent runs on the same machine:

- single requests with ``wrk -t1 -c32`` against the bare ``GET /healthz``: SEN's
  /healthz, an audited ``GET /api/v1/reports/{id}``, a queue page and a draft create
  (the last two on SQLite only);
- create + submit, two chained requests per operation (wrk cannot chain them), with the
  Python load generator (bench/loadgen.py, 32 clients) against the bare endpoint that does
  one durable insert per request into the same kind of database, driven the same way;
- the load generator's own ceiling: the bare /healthz through it, against wrk (when the
  insert baseline comes close to it, the generator is what limits that baseline).

Afterwards each SEN database's audit chain is verified: throughput that broke the chain
would be worthless.
"""

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from faker import Faker

from bench.baseline_app import POSTGRES_ENV, SQLITE_ENV
from bench.loadgen import Connection, LoadResult, Operation, run_load
from bench.machine import header, load
from bench.pg import asyncpg_url, throwaway_database
from bench.servers import baseline_command, login, running, seed_demo
from bench.table import markdown, ratio
from bench.wrk import require_wrk, run_wrk
from sen_server.demo.bodies import fake_body
from sen_tui.launcher import LaunchError, ServerProcess, run_sen_server, server_env
from shared.catalogue import get_type
from shared.enums import ReportAction
from shared.validation import validate_body

USER = "agent.nyc"
SIR_DRAFT: dict[str, object] = {"type": "SIR", "title": "bench", "body": {"category": "arrest"}}
WARMUP_SECONDS = 1
CLIENTS = 32
BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
BARE_HEALTHZ = "bare GET /healthz (wrk)"


@dataclass(frozen=True)
class Comparison:
    """One case and the baseline measured right before it."""

    backend: str  # "SQLite" or "PostgreSQL"
    key: str  # stable name for bench/__main__.py: healthz, audited_get, create_submit, ...
    label: str
    tool: str  # "wrk" or "loadgen"
    result: LoadResult
    baseline_label: str
    baseline: LoadResult

    @property
    def ratio(self) -> float:
        base = self.baseline.requests_per_s
        return self.result.requests_per_s / base if base else 0.0


@dataclass(frozen=True)
class Verdict:
    """`sen-server audit verify` on a backend's database after its cases."""

    ok: bool
    text: str


@dataclass(frozen=True)
class HttpRun:
    comparisons: list[Comparison]
    audit: dict[str, Verdict]  # backend -> verdict: throughput that broke the chain is void


@dataclass(frozen=True)
class WrkCase:
    key: str
    label: str
    path: str
    auth: bool = False
    post_body: dict[str, object] | None = None


@dataclass(frozen=True)
class Target:
    """Where one backend's servers answer, and who is logged in."""

    backend: str
    sen: str
    baseline: str
    insert_path: str  # the baseline's durable insert for this database
    token: str
    report_id: str  # the newest report the user may read


def _wrk_cases(target: Target) -> list[WrkCase]:
    audited = WrkCase(
        "audited_get",
        "SEN GET /api/v1/reports/{id} (audited read)",
        f"/api/v1/reports/{target.report_id}",
        auth=True,
    )
    if target.backend != BACKENDS["sqlite"]:
        return [audited]
    return [
        WrkCase("healthz", "SEN GET /healthz", "/healthz"),
        audited,
        WrkCase(
            "queue_mine",
            "SEN GET /api/v1/queues/mine?limit=50",
            "/api/v1/queues/mine?limit=50",
            auth=True,
        ),
        WrkCase(
            "create", "SEN POST /api/v1/reports (SIR draft)", "/api/v1/reports", True, SIR_DRAFT
        ),
    ]


def _wrk(url: str, seconds: int, case: WrkCase | None = None, token: str = "") -> LoadResult:
    script, env = None, {}
    if case is not None and case.auth:
        script, env = "sen.lua", {"SEN_BENCH_TOKEN": token}
        if case.post_body is not None:
            env |= {"SEN_BENCH_METHOD": "POST", "SEN_BENCH_BODY": json.dumps(case.post_body)}
    # A short unrecorded run first: connection set-up, imports and caches warm up.
    run_wrk(url, WARMUP_SECONDS, script=script, env=env)
    return run_wrk(url, seconds, script=script, env=env)


def submittable_sir(now: datetime) -> dict[str, Any]:
    """A create request for an SIR that passes the submit check (every field filled)."""
    spec = get_type("SIR")
    fake = Faker("en_US")
    fake.seed_instance(2026)
    body = fake_body(spec, fake, random.Random(2026), now)
    _, errors = validate_body(spec, body, for_submit=True)
    if errors:
        raise RuntimeError(f"the synthetic SIR would not pass submission: {errors}")
    event_at = (now - timedelta(hours=1)).isoformat()
    return {"type": "SIR", "title": "Bench: create and submit", "event_at": event_at, "body": body}


def _send_action(base_url: str, token: str, payload: dict[str, Any]) -> str:
    """The path segment that sends this user's draft on ("submit" when the type allows
    it without review, else "request-review"), checked once end to end."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        headers = {"Authorization": f"Bearer {token}"}
        created = client.post("/api/v1/reports", json=payload, headers=headers)
        created.raise_for_status()
        report = created.json()
        allowed = report["allowed_actions"]
        if ReportAction.SUBMIT in allowed:
            send = "submit"
        elif ReportAction.REQUEST_REVIEW in allowed:
            send = "request-review"
        else:
            raise RuntimeError(f"{USER} may not send its SIR draft: {allowed}")
        sent = client.post(
            f"/api/v1/reports/{report['id']}/{send}",
            json={"base_revision": report["revision"]},
            headers=headers,
        )
        if sent.status_code != 200:
            raise RuntimeError(f"{send} failed ({sent.status_code}): {sent.text[:500]}")
    return send


def create_and_submit(payload: dict[str, Any], send: str) -> Operation:
    async def operation(connection: Connection) -> None:
        report = await connection.call("POST", "/api/v1/reports", payload)
        based = {"base_revision": report["revision"]}
        await connection.call("POST", f"/api/v1/reports/{report['id']}/{send}", based)

    return operation


def post_json(path: str, payload: dict[str, Any]) -> Operation:
    async def operation(connection: Connection) -> None:
        await connection.call("POST", path, payload)

    return operation


async def _get_healthz(connection: Connection) -> None:
    await connection.call("GET", "/healthz")


def _readable_report(base_url: str, token: str) -> str:
    response = httpx.get(
        f"{base_url}/api/v1/reports?limit=1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["items"][0]["id"])


def _measure_target(target: Target, seconds: int) -> list[Comparison]:
    out: list[Comparison] = []
    bare = f"{target.baseline}/healthz"
    for case in _wrk_cases(target):
        print(f"  [{target.backend}] {case.label} ...", flush=True)
        # The baseline is measured right before each case, not once: other work on this
        # machine comes and goes, and a ratio of two adjacent runs shrugs it off.
        base = _wrk(bare, seconds)
        result = _wrk(f"{target.sen}{case.path}", seconds, case, target.token)
        out.append(
            Comparison(target.backend, case.key, case.label, "wrk", result, BARE_HEALTHZ, base)
        )
    if target.backend == BACKENDS["sqlite"]:
        print("  load generator ceiling ...", flush=True)
        base = _wrk(bare, seconds)
        result = run_load(target.baseline, _get_healthz, seconds, clients=CLIENTS)
        label = "bare GET /healthz through bench/loadgen.py (its ceiling)"
        out.append(
            Comparison(
                target.backend, "loadgen_ceiling", label, "loadgen", result, BARE_HEALTHZ, base
            )
        )
    payload = submittable_sir(datetime.now(UTC))
    send = _send_action(target.sen, target.token, payload)
    label = f"SEN POST /api/v1/reports + POST …/{send} (SIR), per pair"
    print(f"  [{target.backend}] {label} ...", flush=True)
    base = run_load(
        target.baseline, post_json(target.insert_path, payload), seconds, clients=CLIENTS
    )
    headers = {"Authorization": f"Bearer {target.token}"}
    operation = create_and_submit(payload, send)
    result = run_load(target.sen, operation, seconds, clients=CLIENTS, headers=headers)
    base_label = f"bare POST {target.insert_path}: one durable insert (loadgen)"
    out.append(
        Comparison(target.backend, "create_submit", label, "loadgen", result, base_label, base)
    )
    return out


@contextmanager
def _databases(backend: str, work: Path) -> Iterator[tuple[str, dict[str, str], str]]:
    """(SEN's database URL, the baseline's environment, the baseline's insert path)."""
    if backend == "sqlite":
        yield "", {SQLITE_ENV: str(work / "baseline-insert.db")}, "/insert/sqlite"
        return
    with throwaway_database() as sen_db, throwaway_database() as baseline_db:
        dsn = f"postgresql://postgres@127.0.0.1:5432/{baseline_db}"
        yield asyncpg_url(sen_db), {POSTGRES_ENV: dsn}, "/insert/postgres"


def _verify(env: dict[str, str]) -> Verdict:
    try:
        return Verdict(True, run_sen_server(env, "audit", "verify", timeout=300).strip())
    except LaunchError as exc:  # a broken chain exits 1, and says where on stdout
        return Verdict(False, str(exc).strip())


def measure(
    seconds: int,
    work: Path,
    *,
    reports: int = 300,
    backends: tuple[str, ...] = ("sqlite", "postgres"),
) -> HttpRun:
    """Run every case on each backend; servers and databases are gone when this returns."""
    require_wrk()
    comparisons: list[Comparison] = []
    audit: dict[str, Verdict] = {}
    for backend in backends:
        name = BACKENDS[backend]
        data_dir = work / backend
        with _databases(backend, work) as (url, baseline_env, insert_path):
            print(f"[{name}] seeding demo organisation + {reports} reports ...", flush=True)
            seed_demo(data_dir, url, reports=reports)
            env = server_env(data_dir, url)  # the server's default: synchronous=FULL
            logs = work / "logs"
            base_proc = ServerProcess(
                env | baseline_env, logs, name=f"baseline-{backend}", command=baseline_command
            )
            sen_proc = ServerProcess(env, logs, name=f"sen-{backend}")
            with running(base_proc, sen_proc) as (base_server, sen_server):
                token = login(sen_server.url, USER)
                report_id = _readable_report(sen_server.url, token)
                target = Target(
                    name, sen_server.url, base_server.url, insert_path, token, report_id
                )
                comparisons += _measure_target(target, seconds)
            audit[name] = _verify(env)
            print(f"[{name}] audit verify: {audit[name].text}", flush=True)
    return HttpRun(comparisons, audit)


HEADERS = [
    "db",
    "case",
    "tool",
    "req/s",
    "baseline",
    "baseline req/s",
    "req/s ÷ baseline",
    "p50 ms",
    "baseline p50 ms",
    "p99 ms",
    "baseline p99 ms",
    "failed",
]


def table(run: HttpRun) -> str:
    rows = [
        [
            c.backend,
            c.label,
            c.tool,
            f"{c.result.requests_per_s:,.0f}",
            c.baseline_label,
            f"{c.baseline.requests_per_s:,.0f}",
            ratio(c.result.requests_per_s, c.baseline.requests_per_s),
            f"{c.result.p50_ms:.1f}",
            f"{c.baseline.p50_ms:.1f}",
            f"{c.result.p99_ms:.1f}",
            f"{c.baseline.p99_ms:.1f}",
            c.result.failures + c.baseline.failures,
        ]
        for c in run.comparisons
    ]
    return markdown(HEADERS, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured run per case")
    parser.add_argument("--reports", type=int, default=300, help="demo reports to seed")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    require_wrk()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(header(), flush=True)
    with tempfile.TemporaryDirectory(prefix="sen-bench-http-") as work:
        run = measure(args.seconds, Path(work), reports=args.reports, backends=backends)
    print()
    print(f"32 connections, {args.seconds} s per case; load avg at the end: {load()}")
    print(table(run))
    print()
    for backend, verdict in run.audit.items():
        print(f"audit verify after the run ({backend}): {verdict.text}")
    if not all(verdict.ok for verdict in run.audit.values()):
        sys.exit("audit verify failed: the figures above are worthless")


if __name__ == "__main__":
    main()
