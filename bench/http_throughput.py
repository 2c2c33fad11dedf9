"""HTTP throughput: SEN's endpoints against a bare Litestar app, with wrk, in one run.

    uv run python -m bench.http_throughput [--seconds 10]

Starts the baseline app (bench/baseline_app.py) under uvicorn and a SEN server on a fresh
SQLite data dir with the demo organisation and 300 reports, each on a free loopback port,
then runs ``wrk -t1 -c32`` against each case in turn and prints requests/s and p50/p99
latency as ratios of the baseline's /healthz, measured right before each case. Afterwards
it verifies SEN's audit chain: throughput that broke the chain would be worthless.
"""

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.machine import header, load
from bench.servers import baseline_command, login, running, seed_demo
from bench.table import markdown, ratio
from bench.wrk import WrkResult, require_wrk, run_wrk
from sen_tui.launcher import LaunchError, ServerProcess, run_sen_server, server_env

USER = "agent.nyc"
SIR_DRAFT: dict[str, object] = {"type": "SIR", "title": "bench", "body": {"category": "arrest"}}
WARMUP_SECONDS = 1


@dataclass(frozen=True)
class Case:
    label: str
    path: str
    auth: bool = False
    post_body: dict[str, object] | None = None


def _cases(report_id: str) -> list[Case]:
    return [
        Case("SEN GET /healthz", "/healthz"),
        Case("SEN GET /api/v1/reports/{id} (audited read)", f"/api/v1/reports/{report_id}", True),
        Case("SEN GET /api/v1/queues/mine?limit=50", "/api/v1/queues/mine?limit=50", True),
        Case("SEN POST /api/v1/reports (SIR draft)", "/api/v1/reports", True, SIR_DRAFT),
    ]


def _wrk_env(case: Case, token: str) -> tuple[str | None, dict[str, str]]:
    if not case.auth:
        return None, {}
    env = {"SEN_BENCH_TOKEN": token}
    if case.post_body is not None:
        env |= {"SEN_BENCH_METHOD": "POST", "SEN_BENCH_BODY": json.dumps(case.post_body)}
    return "sen.lua", env


def _measure(url: str, seconds: int, script: str | None, env: dict[str, str]) -> WrkResult:
    # A short unrecorded run first: connection set-up, imports and caches warm up.
    run_wrk(url, WARMUP_SECONDS, script=script, env=env)
    return run_wrk(url, seconds, script=script, env=env)


def _readable_report(base_url: str, token: str) -> str:
    """The newest report the user may read: the target of the audited-read case."""
    response = httpx.get(
        f"{base_url}/api/v1/reports?limit=1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["items"][0]["id"])


def _row(label: str, result: WrkResult, base: WrkResult) -> list[object]:
    return [
        label,
        f"{result.requests_per_s:,.0f}",
        f"{base.requests_per_s:,.0f}",
        ratio(result.requests_per_s, base.requests_per_s),
        f"{result.p50_ms:.2f}",
        f"{base.p50_ms:.2f}",
        ratio(result.p50_ms, base.p50_ms),
        f"{result.p99_ms:.2f}",
        ratio(result.p99_ms, base.p99_ms),
        result.non_2xx,
        result.socket_errors,
    ]


HEADERS = [
    "case",
    "req/s",
    "baseline req/s",
    "req/s ÷ baseline",
    "p50 ms",
    "baseline p50 ms",
    "p50 ÷ baseline",
    "p99 ms",
    "p99 ÷ baseline",
    "non-2xx",
    "socket errors",
]


def run(seconds: int, work: Path) -> None:
    data_dir = work / "data"
    print(f"seeding demo organisation + 300 reports in {data_dir} ...", flush=True)
    seed_demo(data_dir, reports=300)
    env = server_env(data_dir)  # the server's default: synchronous=FULL
    logs = work / "logs"
    baseline = ServerProcess(dict(env), logs, name="baseline", command=baseline_command)
    sen = ServerProcess(env, logs, name="sen")
    rows = []
    with running(baseline, sen) as (base_server, sen_server):
        token = login(sen_server.url, USER)
        report_id = _readable_report(sen_server.url, token)
        print(f"baseline {base_server.url}, SEN {sen_server.url}, reading {report_id}", flush=True)
        for case in _cases(report_id):
            print(f"  {case.label} ...", flush=True)
            # The baseline is measured right before each case, not once: other work on
            # this machine comes and goes, and a ratio of two adjacent runs shrugs it off.
            base = _measure(f"{base_server.url}/healthz", seconds, None, {})
            script, wrk_env = _wrk_env(case, token)
            result = _measure(f"{sen_server.url}{case.path}", seconds, script, wrk_env)
            rows.append(_row(case.label, result, base))
    print()
    print(f"wrk -t1 -c32 -d{seconds}s, SQLite synchronous=FULL; load avg at the end: {load()}")
    print(markdown(HEADERS, rows))
    print()
    try:
        verdict = run_sen_server(env, "audit", "verify", timeout=300)
    except LaunchError as exc:  # a broken chain exits 1, and says where on stdout
        print(f"audit verify after the run: {exc}")
        sys.exit("the audit chain is broken: these figures are worthless")
    print(f"audit verify after the run: {verdict.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured wrk run per case")
    args = parser.parse_args()
    require_wrk()
    print(header(), flush=True)
    with tempfile.TemporaryDirectory(prefix="sen-bench-http-") as work:
        run(args.seconds, Path(work))


if __name__ == "__main__":
    main()
