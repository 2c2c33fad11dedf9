"""Durable writes on SQLite: SEN's report-create path against raw sqlite3, in one run.

    uv run python -m bench.sqlite_durable [--seconds 8]

Baseline (ENGINEERING.md): raw ``sqlite3``, WAL, one report row + one audit row per
transaction, single-threaded, at synchronous=FULL and then NORMAL. SEN: the same
transaction shape done by SEN's own code in-process — ``UnitOfWork`` +
``reports.service.create_report`` (ID sequence, report, version snapshot, search index,
chained audit record) — on a database seeded with the demo organisation. No HTTP: this
isolates the storage path from the web stack (bench/http_throughput.py measures that).
"""

import argparse
import asyncio
import hashlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select

from bench.machine import filesystem_of, header, load
from bench.servers import seed_demo
from bench.table import markdown, ratio
from sen_server.audit.writer import AuditActor
from sen_server.models import AuthSession, User
from sen_server.principal import Caller
from sen_server.reports.service import create_report
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from shared.enums import ReportType, Role
from shared.schemas import ReportCreate

AUTHOR = "agent.nyc"
SIR_DRAFT = ReportCreate(type=ReportType.SIR, title="bench", body={"category": "arrest"})

RAW_SCHEMA = """
CREATE TABLE report (id TEXT PRIMARY KEY, type TEXT, status TEXT, title TEXT,
                     created_at TEXT, updated_at TEXT, author_id INTEGER, body TEXT);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT, actor TEXT, action TEXT,
                    object_id TEXT, details TEXT, prev_hash TEXT, hash TEXT);
"""


@dataclass(frozen=True)
class Rate:
    label: str
    synchronous: str  # FULL or NORMAL
    count: int
    seconds: float
    statements: float = 0.0  # SQL statements per transaction (SEN only; 0 for raw)

    @property
    def per_s(self) -> float:
        return self.count / self.seconds


def _timed(seconds: float, one: Callable[[int], None]) -> tuple[int, float]:
    """Call ``one(i)`` until ``seconds`` have passed; (calls, elapsed)."""
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        one(count)
        count += 1
    return count, elapsed


def raw_sqlite(path: Path, synchronous: str, seconds: float) -> Rate:
    conn = sqlite3.connect(path, isolation_level=None)  # we issue BEGIN/COMMIT ourselves
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.executescript(RAW_SCHEMA)
    body = json.dumps({"category": "arrest"})
    prev = "0" * 64

    def one(i: int) -> None:
        nonlocal prev
        now = datetime.now(UTC).isoformat()
        report_id = f"SIR-2026-{i:06d}"
        # A hash chain like SEN's, so the baseline does the same small CPU work per row.
        digest = hashlib.sha256(f"{prev}|{report_id}|{now}".encode()).hexdigest()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO report VALUES (?, 'SIR', 'draft', 'bench', ?, ?, 1, ?)",
            (report_id, now, now, body),
        )
        conn.execute(
            "INSERT INTO audit VALUES (?, ?, 'agent.nyc', 'report.create', ?, '{}', ?, ?)",
            (i + 1, now, report_id, prev, digest),
        )
        conn.execute("COMMIT")
        prev = digest

    try:
        count, elapsed = _timed(seconds, one)
    finally:
        conn.close()
    return Rate(f"raw sqlite3, synchronous={synchronous}", synchronous, count, elapsed)


def _caller(user: User, now: datetime) -> Caller:
    # As sen_server/demo/build.py does: an in-memory session, services called directly.
    auth = AuthSession(
        public_id="bench",
        token_hash="",
        user_id=user.id or 0,
        created_at=now,
        last_seen_at=now,
        expires_at=now,
    )
    roles = frozenset(Role(r) for r in user.roles)
    return Caller(user=user, auth=auth, roles=roles, source="local")


async def sen_creates(data_dir: Path, synchronous: str, seconds: float) -> Rate:
    settings = ServerSettings(data_dir=data_dir, sqlite_synchronous=synchronous)
    runtime = Runtime.build(settings)
    statements = 0

    def count_statement(*_: object) -> None:
        nonlocal statements
        statements += 1

    try:
        async with runtime.sessions() as session:
            user = (await session.exec(select(User).where(User.username == AUTHOR))).one()
        caller = _caller(user, runtime.now())
        actor: AuditActor = caller.actor
        event.listen(runtime.engine.sync_engine, "before_cursor_execute", count_statement)
        count, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            async with UnitOfWork(runtime, actor) as unit:
                await create_report(unit, caller, SIR_DRAFT)
            count += 1
    finally:
        await runtime.engine.dispose()
    label = f"SEN UnitOfWork + create_report, synchronous={synchronous}"
    return Rate(label, synchronous, count, elapsed, statements / max(count, 1))


def run(seconds: float, work: Path) -> list[Rate]:
    print(f"working in {work} ({filesystem_of(work)})", flush=True)
    rates = [
        raw_sqlite(work / "raw-full.db", "FULL", seconds),
        raw_sqlite(work / "raw-normal.db", "NORMAL", seconds),
    ]
    data_dir = work / "sen"
    print("seeding the demo organisation ...", flush=True)
    seed_demo(data_dir, reports=0)
    for synchronous in ("FULL", "NORMAL"):
        rates.append(asyncio.run(sen_creates(data_dir, synchronous, seconds)))
    return rates


def measure(seconds: float) -> list[Rate]:
    """Raw FULL, raw NORMAL, SEN FULL, SEN NORMAL, in a temporary directory of their own."""
    # Settings come from our arguments, never from a developer's sen-server.toml.
    os.environ["SEN_CONFIG"] = "/nonexistent"
    with tempfile.TemporaryDirectory(prefix="sen-bench-sqlite-") as work:
        return run(seconds, Path(work))


def raw_rate(rates: list[Rate], synchronous: str) -> float:
    """The raw sqlite3 baseline at ``synchronous``, from a list ``measure`` returned."""
    return next(r.per_s for r in rates if not r.statements and r.synchronous == synchronous)


def table(rates: list[Rate]) -> str:
    raw_full = raw_rate(rates, "FULL")
    rows = [
        [
            rate.label,
            rate.count,
            f"{rate.per_s:,.0f}",
            ratio(rate.per_s, raw_full),
            ratio(rate.per_s, raw_rate(rates, rate.synchronous)),
            f"{rate.statements:.0f}" if rate.statements else "2 + BEGIN/COMMIT",
        ]
        for rate in rates
    ]
    headers = [
        "case",
        "transactions",
        "tx/s",
        "÷ raw FULL",
        "÷ raw at same synchronous",
        "SQL statements per tx",
    ]
    return markdown(headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="measured time per case")
    args = parser.parse_args()
    print(header(), flush=True)
    rates = measure(args.seconds)
    print()
    print(table(rates))
    print(f"\nload avg at the end: {load()}")


if __name__ == "__main__":
    main()
