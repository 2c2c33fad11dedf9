"""`sen-server audit verify` over a long chain, on SQLite and PostgreSQL, against a raw loop.

    uv run python -m bench.audit_verify [--records 300000] [--repeat 3] [--backend both]

Data: ``--records`` audit records with a signed checkpoint every 100 (SEN's default),
made by the real chain code and bulk-inserted into a migrated database (bench/
audit_chain.py). Cases, each the median of ``--repeat`` runs:

- baseline: the raw loop anyone would write first, over the same rows — the driver
  (sqlite3 / psycopg, server-side cursor), ``datetime.fromisoformat`` on SQLite,
  chain.canonical_form (json.dumps) and chain.link_hash (sha256), checking seq, link and
  hash; no checkpoints;
- ``verify_chain`` in-process, with the hash helper (as the CLI runs it) and without;
- ``sen-server audit verify`` as a fresh process, start-up included (one run).
"""

import argparse
import asyncio
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.audit_chain import chain_rows, write_chain
from bench.machine import header, load
from bench.pg import asyncpg_url, throwaway_database
from bench.table import markdown, ratio
from sen_server.audit.chain import GENESIS_HASH, canonical_form, link_hash
from sen_server.audit.helper_client import HelperConfig
from sen_server.audit.signing import CheckpointSigner
from sen_server.audit.verify import verify_chain
from sen_server.migrate import upgrade
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings

CHECKPOINT_EVERY = 100
COLUMNS = (
    "seq, at, actor, roles, session, source, action, object_type, object_id, outcome, "
    "details, prev_hash, hash"
)


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: float
    records: int

    @property
    def per_s(self) -> float:
        return self.records / self.seconds


def _check(rows: Iterator[tuple[Any, ...]], parse_at: Callable[[Any], datetime]) -> int:
    """The straightforward verification loop: seq, link and hash of every row."""
    expected, prev = 1, GENESIS_HASH
    for seq, at, actor, roles, session, source, action, otype, oid, outcome, details, p, h in rows:
        canonical = canonical_form(
            seq=seq,
            at=parse_at(at),
            actor=actor,
            roles=roles,
            session=session,
            source=source,
            action=action,
            object_type=otype,
            object_id=oid,
            outcome=outcome,
            details=details,
        )
        if seq != expected or p != prev or link_hash(p, canonical) != h:
            raise SystemExit(f"baseline: record {seq} does not verify")
        expected, prev = seq + 1, h
    return expected - 1


def raw_sqlite(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        cursor = conn.execute(f"SELECT {COLUMNS} FROM audit_record ORDER BY seq")
        rows = (
            (s, at, a, json.loads(r), se, so, ac, ot, oi, o, json.loads(d), p, h)
            for s, at, a, r, se, so, ac, ot, oi, o, d, p, h in cursor
        )
        return _check(rows, lambda at: datetime.fromisoformat(at).replace(tzinfo=UTC))
    finally:
        conn.close()


def raw_postgres(database: str) -> int:
    dsn = f"postgresql://postgres@127.0.0.1:5432/{database}"
    with psycopg.connect(dsn) as conn, conn.cursor(name="audit") as cursor:
        cursor.itersize = 10_000
        cursor.execute(f"SELECT {COLUMNS} FROM audit_record ORDER BY seq")
        return _check(iter(cursor), lambda at: at)  # jsonb arrives decoded, at aware


async def sen_verify(settings: ServerSettings, helper: HelperConfig | None) -> int:
    runtime = Runtime.build(settings)
    try:
        async with runtime.read_sessions() as session:
            result = await verify_chain(
                session, runtime.signer, checkpoint_every=CHECKPOINT_EVERY, helper=helper
            )
    finally:
        await runtime.engine.dispose()
    if not result.ok:
        raise SystemExit(f"verify_chain: {result}")
    return result.records


def sen_cli(settings: ServerSettings) -> int:
    env = dict(os.environ)
    env.update(
        SEN_DATA_DIR=str(settings.data_dir),
        SEN_DATABASE_URL=settings.database_url,
        SEN_AUDIT_CHECKPOINT_EVERY=str(CHECKPOINT_EVERY),
        SEN_AUDIT_KEY_FILE=str(settings.resolved_audit_key_file),
    )
    done = subprocess.run(
        [sys.executable, "-m", "sen_server.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"sen-server audit verify: {done.stdout}{done.stderr}")
    return int(done.stdout.split(": ")[1].split()[0])  # "audit chain OK: N records, ..."


def _timed(label: str, repeat: int, run: Callable[[], int]) -> Timing:
    samples, records = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        records = run()
        samples.append(time.perf_counter() - started)
    print(f"  {label}: {min(samples):.2f}-{max(samples):.2f} s", flush=True)
    return Timing(label, statistics.median(samples), records)


@contextmanager
def _caller_objects_frozen() -> Iterator[None]:
    """Keep the caller's objects (the 300,000 chain rows just written, say) out of the
    garbage collector's passes while timing: in the CLI's process they do not exist, and
    scanning them made every case here several times slower."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def measure(name: str, settings: ServerSettings, database: str, repeat: int) -> list[Timing]:
    with _caller_objects_frozen():
        return _measure(name, settings, database, repeat)


def _measure(name: str, settings: ServerSettings, database: str, repeat: int) -> list[Timing]:
    if name == "sqlite":
        baseline = _timed(
            "raw sqlite3 + json + sha256 loop",
            repeat,
            lambda: raw_sqlite(settings.data_dir / "sen.db"),
        )
    else:
        baseline = _timed(
            "raw psycopg + json + sha256 loop", repeat, lambda: raw_postgres(database)
        )
    return [
        baseline,
        _timed(
            "verify_chain (with the hash helper, as the CLI)",
            repeat,
            lambda: asyncio.run(sen_verify(settings, HelperConfig())),
        ),
        _timed(
            "verify_chain, one process (helper=None)",
            repeat,
            lambda: asyncio.run(sen_verify(settings, None)),
        ),
        _timed(
            "`sen-server audit verify` (new process, start-up included)",
            1,
            lambda: sen_cli(settings),
        ),
    ]


def table(name: str, timings: list[Timing]) -> str:
    base = timings[0].per_s
    rows = [
        [
            name,
            t.label,
            f"{t.records:,}",
            f"{t.seconds:.2f}",
            f"{t.per_s:,.0f}",
            ratio(t.per_s, base),
        ]
        for t in timings
    ]
    return markdown(["db", "case", "records", "s (median)", "records/s", "÷ baseline"], rows)


@contextmanager
def _database(name: str) -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, database name): '' is SEN's SQLite file in the data dir."""
    if name == "sqlite":
        yield "", ""
        return
    with throwaway_database() as database:
        yield asyncpg_url(database), database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    os.environ["SEN_CONFIG"] = "/nonexistent"  # never a developer's sen-server.toml
    print(header(), flush=True)
    names = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    tables = []
    with tempfile.TemporaryDirectory(prefix="sen-bench-audit-") as work:
        rows: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
        for name in names:
            with _database(name) as (url, database):
                data_dir = Path(work) / name
                settings = ServerSettings(
                    data_dir=data_dir,
                    database_url=url,
                    sqlite_synchronous="NORMAL",
                    audit_key_file=Path(work) / "audit-signing.pem",
                )
                started = time.perf_counter()
                upgrade(settings)
                if rows is None:  # the same chain (and key) for every backend
                    signer = CheckpointSigner.load_or_create(settings.resolved_audit_key_file)
                    rows = chain_rows(args.records, signer, CHECKPOINT_EVERY)
                asyncio.run(write_chain(settings, *rows))
                elapsed = time.perf_counter() - started
                print(f"[{name}] {args.records:,} records written in {elapsed:.0f} s", flush=True)
                tables.append(table(name, measure(name, settings, database, args.repeat)))
    print()
    print("\n\n".join(tables))
    print(f"\nload avg at the end: {load()}")


if __name__ == "__main__":
    main()
