"""Live fan-out: one report to hundreds of streaming readers, against a bare broadcast.

    uv run python -m bench.live_fanout [--streams 300] [--rss-streams 500] [--reports 300]
                                       [--backend sqlite|postgres|both]

Issue 9 asks: one report submitted while 300 clients stream events (a mix of roles) is in
every client that may see it within 1 s p99; the server's audited work for that event grows
by O(1) per client, not O(queue size); the server holds 500 open streams in ≤ 200 MB.

Per database: a real SEN server on a fresh database with the demo organisation and
``--reports`` reports (so that queues are not empty), and the baseline app
(bench/baseline_app.py), both on loopback. One process (this one) holds every stream, each
an asyncio task (bench/sse_load.py).

- **Baseline**, first: ``--streams`` streams on the bare app's ``/fanout/stream``; one
  ``POST /fanout/publish`` of a JSON payload the size of SEN's event; each stream's delay
  from just before the POST to the moment it decoded the event.
- **SEN**: each demo account logs in once (logons are rate-limited per address) and the
  ``--streams`` streams are spread over every account in turn, content-blind ones (admin,
  statistician, auditor) included, as readers who must receive nothing. Then a SPOT is
  created and submitted by officer.lax (every content role reads a submitted SPOT), then an
  SIR by agent.nyc (read by whom it is routed to and a few roles). Latency: the moment
  each stream decoded the event minus the moment just before the submit request, nothing
  subtracted. Who *should* have it is asked of the server afterwards, per account, by
  ``GET /api/v1/reports/{id}`` (the read rule in SQL, as a detail view applies it).
- **Audited work**: as ``isso``, the audit records written between just before the submit
  and the last stream's receipt, by action (our own audit reads left out); each stream
  that shows the row should have caused one ``queue.row_pushed`` record, whatever the size
  of its reader's queues.
- **Memory**: VmRSS of each server process before any stream, and once ``--rss-streams``
  are open (the streams of the latency cases stay open, more are added).
"""

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from faker import Faker

from bench.machine import header, load
from bench.pg import asyncpg_url, throwaway_database
from bench.servers import (
    baseline_command,
    cpu_seconds,
    login,
    rss_bytes,
    running,
    seed_demo,
)
from bench.sse_load import Stream, StreamPool
from bench.table import markdown
from sen_server.demo.bodies import fake_body
from sen_server.demo.organisation import USERS
from sen_tui.launcher import ServerProcess, server_env
from shared.catalogue import get_type
from shared.enums import CONTENT_BLIND_ROLES, AuditAction, ReportAction
from shared.validation import validate_body

BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
ACCOUNTS = sorted(u.username for u in USERS)
# Who reads a submitted SPOT by the rule (SPEC §1): every account with a content role.
CONTENT_READERS = {u.username for u in USERS if not set(u.roles) <= CONTENT_BLIND_ROLES}
AUDITOR = "isso"
CASES = (("SPOT", "officer.lax"), ("SIR", "agent.nyc"))  # (type, author)

# Issue 9, "Must show".
P99_TARGET_MS = 1000.0
RSS_TARGET_BYTES = 200 * 1000 * 1000
OTHER_RECORDS_MAX = 10  # audit records of one submit that are not per stream (O(1))

# Before an event, the server must be done setting up the streams just opened (each reads
# its reader's grants after "connected"): that set-up is not what is measured.
IDLE_CPU_SHARE = 0.05  # of one CPU, over ...
IDLE_WINDOW = 0.5  # ... seconds
IDLE_LIMIT = 30.0
QUIET_SECONDS = 2.0  # an event is done when no stream has received it for this long ...
WAIT_LIMIT = 20.0  # ... or after this long in all
BASELINE_KEY = "bench-broadcast"
EVENT_BYTES = 870  # about what SEN sends per report event (its row and queues included)


@dataclass(frozen=True)
class Sent:
    """One event sent: when, and the audit chain positions around it (SEN only)."""

    label: str
    key: str  # the report id (what streams key their receipts by)
    t0: float  # time.monotonic() just before the request
    send_ms: float  # the submit (or publish) request itself
    done: float  # when the waiting stopped; later receipts count as late
    open_streams: int
    seq_before: int = 0
    seq_after: int = 0


@dataclass(frozen=True)
class Delivery:
    label: str
    streams: int  # open when it was sent
    expected: int  # of those, streams whose reader may read it (baseline: all)
    received: int  # of the expected, within the wait
    late: int  # of the expected, after it
    unexpected: int  # streams that got it though their reader may not read it
    latencies_ms: list[float]  # of the expected streams, received within the wait
    with_row: int  # of the received, copies that carry the reader's queue row
    send_ms: float
    event_bytes: int  # the JSON of one copy

    def cut(self, percent: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[percent - 1]

    @property
    def all_in(self) -> bool:
        return self.received == self.expected and not self.unexpected


@dataclass(frozen=True)
class AuditCount:
    """Audit records written while one event went out (our own audit reads left out)."""

    pushed: int  # queue.row_pushed for this report
    receivers: int  # streams that received it, late ones included
    by_action: dict[str, int]

    @property
    def others(self) -> int:
        return sum(self.by_action.values()) - self.pushed


@dataclass(frozen=True)
class Side:
    """One server's figures."""

    server: str
    open_seconds: float  # to open the latency cases' streams
    deliveries: list[Delivery]
    audits: list[AuditCount]  # SEN only, one per delivery
    rss_idle: int
    rss_first: int  # with the latency cases' streams open, before any event
    rss_open: int
    streams: int  # open for the latency cases
    rss_streams: int
    failed_streams: list[str]
    log_problems: list[str]
    notes: list[str]  # what the run found wrong besides the figures


@dataclass(frozen=True)
class FanoutRun:
    backend: str
    baseline: Side
    sen: Side


def submittable(code: str, now: datetime) -> dict[str, Any]:
    """A create request for a report of type ``code`` that passes the submit check."""
    spec = get_type(code)
    fake = Faker("en_US")
    fake.seed_instance(2026)
    body = fake_body(spec, fake, random.Random(2026), now)
    _, errors = validate_body(spec, body, for_submit=True)
    if errors:
        raise RuntimeError(f"the synthetic {code} would not pass submission: {errors}")
    event_at = (now - timedelta(hours=1)).isoformat()
    title = f"Bench: live fan-out {code}"
    return {"type": code, "title": title, "event_at": event_at, "body": body}


def _report_key(payload: dict[str, Any]) -> str | None:
    return payload.get("report_id")


def _log_in_all(base_url: str) -> dict[str, str]:
    """A token per demo account. A few at a time: each login hashes a password (Argon2)
    and the server has two cores to do it on."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ACCOUNTS, pool.map(partial(login, base_url), ACCOUNTS), strict=True))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _spread(count: int, tokens: dict[str, str], start: int) -> list[tuple[str, dict[str, str]]]:
    """``count`` streams over every account in turn, continuing from stream ``start``."""
    picks = [ACCOUNTS[(start + i) % len(ACCOUNTS)] for i in range(count)]
    return [(account, _bearer(tokens[account])) for account in picks]


def _log_problems(server: ServerProcess) -> list[str]:
    marks = ("Traceback", "ERROR", "CRITICAL", "WARNING")
    return [line for line in server.log_text().splitlines() if any(m in line for m in marks)]


def _delivery(pool: StreamPool, sent: Sent, may_read: Callable[[Stream], bool]) -> Delivery:
    streams = pool.streams[: sent.open_streams]  # streams opened later start after it
    expected = [s for s in streams if may_read(s)]
    timely = [s.received[sent.key] for s in expected if sent.key in s.received]
    latencies = [(r.at - sent.t0) * 1000 for r in timely if r.at <= sent.done]
    return Delivery(
        label=sent.label,
        streams=len(streams),
        expected=len(expected),
        received=len(latencies),
        late=len(timely) - len(latencies),
        unexpected=sum(sent.key in s.received for s in streams if not may_read(s)),
        latencies_ms=latencies,
        with_row=sum(r.payload.get("row") is not None for r in timely if r.at <= sent.done),
        send_ms=sent.send_ms,
        event_bytes=max((r.size for r in timely), default=0),
    )


async def _until_idle(server: ServerProcess) -> None:
    """Until the server uses under IDLE_CPU_SHARE of a CPU for IDLE_WINDOW seconds."""
    began = time.monotonic()
    used = cpu_seconds(server)
    while time.monotonic() - began < IDLE_LIMIT:
        await asyncio.sleep(IDLE_WINDOW)
        now_used = cpu_seconds(server)
        if now_used - used < IDLE_CPU_SHARE * IDLE_WINDOW:
            return
        used = now_used


# ---- the baseline ----------------------------------------------------------------------


async def _measure_baseline(server: ServerProcess, streams: int, rss_streams: int) -> Side:
    rss_idle = rss_bytes(server)
    pool = StreamPool(server.url, "/fanout/stream", _report_key)
    event = {"report_id": BASELINE_KEY, "kind": "spot.flash", "pad": ""}
    event["pad"] = "x" * (EVENT_BYTES - len(json.dumps(event, separators=(",", ":"))))
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            open_seconds = await pool.open([("", {})] * streams)
            await _until_idle(server)
            rss_first = rss_bytes(server)
            t0 = time.monotonic()
            (await http.post("/fanout/publish", json=event)).raise_for_status()
            send_ms = (time.monotonic() - t0) * 1000
            await pool.settle(BASELINE_KEY, quiet=QUIET_SECONDS, limit=WAIT_LIMIT)
            sent = Sent("bare broadcast", BASELINE_KEY, t0, send_ms, time.monotonic(), streams)
            await pool.open([("", {})] * (rss_streams - streams))
            await _until_idle(server)
            rss_open = rss_bytes(server)
    finally:
        await pool.close()
    return Side(
        "bare Litestar",
        open_seconds,
        [_delivery(pool, sent, lambda _: True)],
        [],
        rss_idle,
        rss_first,
        rss_open,
        streams,
        len(pool.streams),
        [s.error for s in pool.failed],
        [],
        [],
    )


# ---- SEN -------------------------------------------------------------------------------


async def _newest_seq(http: httpx.AsyncClient, auditor: str) -> int:
    page = await http.get("/api/v1/audit", params={"limit": 1}, headers=_bearer(auditor))
    page.raise_for_status()
    items = page.json()["items"]
    return int(items[0]["seq"]) if items else 0


async def _submit(
    http: httpx.AsyncClient, pool: StreamPool, tokens: dict[str, str], code: str, author: str
) -> Sent:
    headers = _bearer(tokens[author])
    created = await http.post(
        "/api/v1/reports", json=submittable(code, datetime.now(UTC)), headers=headers
    )
    created.raise_for_status()
    report = created.json()
    if ReportAction.SUBMIT not in report["allowed_actions"]:
        raise RuntimeError(f"{author} may not submit the {code}: {report['allowed_actions']}")
    seq_before = await _newest_seq(http, tokens[AUDITOR])
    t0 = time.monotonic()
    submitted = await http.post(
        f"/api/v1/reports/{report['id']}/submit",
        json={"base_revision": report["revision"]},
        headers=headers,
    )
    send_ms = (time.monotonic() - t0) * 1000
    if submitted.status_code != 200:
        raise RuntimeError(f"submit failed ({submitted.status_code}): {submitted.text[:300]}")
    await pool.settle(report["id"], quiet=QUIET_SECONDS, limit=WAIT_LIMIT)
    done = time.monotonic()
    seq_after = await _newest_seq(http, tokens[AUDITOR])
    label = f"{code} by {author}"
    return Sent(label, report["id"], t0, send_ms, done, len(pool.streams), seq_before, seq_after)


async def _audit_count(
    http: httpx.AsyncClient, auditor: str, sent: Sent, receivers: int
) -> AuditCount:
    """The records with seq in (seq_before, seq_after], by action, newest first."""
    by_action: dict[str, int] = {}
    pushed = 0
    params: dict[str, Any] = {"limit": 500}
    while True:
        page = await http.get("/api/v1/audit", params=params, headers=_bearer(auditor))
        page.raise_for_status()
        body = page.json()
        for record in body["items"]:
            if not sent.seq_before < record["seq"] <= sent.seq_after:
                continue
            if record["action"] == AuditAction.AUDIT_READ:
                continue  # ours: the markers either side of the event
            by_action[record["action"]] = by_action.get(record["action"], 0) + 1
            if record["action"] == AuditAction.QUEUE_ROW_PUSHED and record["object_id"] == sent.key:
                pushed += 1
        oldest = body["items"][-1]["seq"] if body["items"] else 0
        if body["next_cursor"] is None or oldest <= sent.seq_before:
            return AuditCount(pushed, receivers, by_action)
        params["cursor"] = body["next_cursor"]


async def _readers_of(http: httpx.AsyncClient, tokens: dict[str, str], report_id: str) -> set[str]:
    """The accounts the server lets open the report: who may see its event."""
    readable = set()
    for account, token in tokens.items():
        response = await http.get(f"/api/v1/reports/{report_id}", headers=_bearer(token))
        if response.status_code == 200:
            readable.add(account)
    return readable


def _reader_in(accounts: set[str]) -> Callable[[Stream], bool]:
    return lambda stream: stream.account in accounts


async def _measure_sen(
    server: ServerProcess, tokens: dict[str, str], streams: int, rss_streams: int
) -> Side:
    rss_idle = rss_bytes(server)
    pool = StreamPool(server.url, "/api/v1/events", _report_key)
    sent: list[Sent] = []
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            open_seconds = await pool.open(_spread(streams, tokens, 0))
            await _until_idle(server)
            rss_first = rss_bytes(server)
            for code, author in CASES:
                await _until_idle(server)
                sent.append(await _submit(http, pool, tokens, code, author))
            await pool.open(_spread(rss_streams - streams, tokens, streams))
            await _until_idle(server)
            rss_open = rss_bytes(server)
    finally:
        await pool.close()
    deliveries, audits, notes = [], [], []
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        for (code, _), one in zip(CASES, sent, strict=True):
            receivers = len(pool.receipts(one.key))
            audits.append(await _audit_count(http, tokens[AUDITOR], one, receivers))
            readers = await _readers_of(http, tokens, one.key)
            deliveries.append(_delivery(pool, one, _reader_in(readers)))
            if code == "SPOT" and readers != CONTENT_READERS:
                notes.append(
                    f"the SPOT's readers per GET /reports/{{id}} are not every content-role "
                    f"account: missing {sorted(CONTENT_READERS - readers)}, "
                    f"extra {sorted(readers - CONTENT_READERS)}"
                )
    return Side(
        "SEN",
        open_seconds,
        deliveries,
        audits,
        rss_idle,
        rss_first,
        rss_open,
        streams,
        len(pool.streams),
        [f"{s.account}: {s.error}" for s in pool.failed],
        [],
        notes,
    )


# ---- one database ----------------------------------------------------------------------


@contextmanager
def _database_url(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        yield ""
        return
    with throwaway_database() as database:
        yield asyncpg_url(database)


def measure(
    work: Path, *, streams: int, rss_streams: int, reports: int, backends: tuple[str, ...]
) -> list[FanoutRun]:
    """Both servers per database; every server and database is gone when this returns."""
    if rss_streams < streams:
        raise ValueError("--rss-streams must be at least --streams (those stay open)")
    runs = []
    for backend in backends:
        name = BACKENDS[backend]
        data_dir = work / backend
        with _database_url(backend) as url:
            print(f"[{name}] seeding demo organisation + {reports} reports ...", flush=True)
            began = time.monotonic()
            seed_demo(data_dir, url, reports=reports)
            print(f"[{name}]   seeded in {time.monotonic() - began:.0f} s", flush=True)
            env = server_env(data_dir, url)  # the server's default: synchronous=FULL
            logs = work / "logs"
            base_proc = ServerProcess(
                env, logs, name=f"baseline-{backend}", command=baseline_command
            )
            sen_proc = ServerProcess(env, logs, name=f"sen-{backend}")
            with running(base_proc, sen_proc) as (base_server, sen_server):
                print(f"[{name}] bare broadcast, {streams} streams ...", flush=True)
                began = time.monotonic()
                baseline = asyncio.run(_measure_baseline(base_server, streams, rss_streams))
                print(f"[{name}]   took {time.monotonic() - began:.0f} s", flush=True)
                began = time.monotonic()
                tokens = _log_in_all(sen_server.url)
                print(f"[{name}]   {len(tokens)} logins: {time.monotonic() - began:.0f} s")
                spread = f"{streams} streams over {len(tokens)} accounts"
                print(f"[{name}] SEN, {spread} ...", flush=True)
                began = time.monotonic()
                sen = asyncio.run(_measure_sen(sen_server, tokens, streams, rss_streams))
                print(f"[{name}]   took {time.monotonic() - began:.0f} s", flush=True)
            runs.append(
                FanoutRun(
                    name,
                    _with_log(baseline, base_proc),
                    _with_log(sen, sen_proc),
                )
            )
    return runs


def _with_log(side: Side, server: ServerProcess) -> Side:
    return replace(side, log_problems=_log_problems(server))


# ---- printing --------------------------------------------------------------------------


def mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def delivery_table(runs: list[FanoutRun]) -> str:
    headers = [
        "db",
        "server",
        "event",
        "streams",
        "may read it",
        "received (late)",
        "with row",
        "may not, got it",
        "p50 ms",
        "p99 ms",
        "max ms",
        "send ms",
        "bytes",
    ]
    rows = []
    for run in runs:
        for side in (run.baseline, run.sen):
            for d in side.deliveries:
                rows.append(
                    [
                        run.backend,
                        side.server,
                        d.label,
                        d.streams,
                        d.expected,
                        f"{d.received} ({d.late})",
                        d.with_row if side is run.sen else "—",  # the bare event has none
                        d.unexpected,
                        f"{d.cut(50):.0f}",
                        f"{d.cut(99):.0f}",
                        f"{max(d.latencies_ms, default=float('nan')):.0f}",
                        f"{d.send_ms:.0f}",
                        d.event_bytes,
                    ]
                )
    return markdown(headers, rows)


def audit_table(runs: list[FanoutRun]) -> str:
    headers = ["db", "event", "streams that got it", "queue.row_pushed", "other records"]
    rows = []
    for run in runs:
        for d, a in zip(run.sen.deliveries, run.sen.audits, strict=True):
            others = {k: v for k, v in a.by_action.items() if k != AuditAction.QUEUE_ROW_PUSHED}
            listed = ", ".join(f"{k} {v}" for k, v in sorted(others.items())) or "none"
            rows.append([run.backend, d.label, a.receivers, a.pushed, listed])
    return markdown(headers, rows)


def memory_table(runs: list[FanoutRun]) -> str:
    headers = [
        "db",
        "server",
        "RSS, 0 streams",
        "RSS, n streams, before the events",
        "n",
        "open n (s)",
        "RSS, N streams",
        "N",
        "failed",
    ]
    rows = [
        [
            run.backend,
            side.server,
            mb(side.rss_idle),
            mb(side.rss_first),
            side.streams,
            f"{side.open_seconds:.1f}",
            mb(side.rss_open),
            side.rss_streams,
            len(side.failed_streams),
        ]
        for run in runs
        for side in (run.baseline, run.sen)
    ]
    return markdown(headers, rows)


def tables(runs: list[FanoutRun]) -> str:
    parts = [delivery_table(runs), audit_table(runs), memory_table(runs)]
    for run in runs:
        for side in (run.baseline, run.sen):
            if side.failed_streams:
                parts.append(f"{run.backend} {side.server}, failed streams (first 3):")
                parts += [f"  {e}" for e in side.failed_streams[:3]]
            parts += [f"{run.backend} {side.server}: {note}" for note in side.notes]
            if side.log_problems:
                parts.append(f"{run.backend} {side.server} log, warnings and errors (first 5):")
                parts += [f"  {line[:300]}" for line in side.log_problems[:5]]
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=300, help="streams for the latency")
    parser.add_argument("--rss-streams", type=int, default=500, help="streams for the RSS")
    parser.add_argument("--reports", type=int, default=300, help="demo reports to seed")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(header(), flush=True)
    with tempfile.TemporaryDirectory(prefix="sen-bench-fanout-") as work:
        runs = measure(
            Path(work),
            streams=args.streams,
            rss_streams=args.rss_streams,
            reports=args.reports,
            backends=backends,
        )
    print(f"\nload avg at the end: {load()}")
    print(tables(runs))


if __name__ == "__main__":
    main()
