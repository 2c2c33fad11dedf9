"""What the request-timing benchmarks share (queue pages, audit list, statistics): timed
samples with their median and 95th percentile, the in-process SQL baseline, the table, and
the run over each database in a throwaway folder."""

import argparse
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench.machine import header, load
from bench.pg import asyncpg_url, throwaway_database
from bench.table import markdown, ratio
from sen_server.db import create_engine
from sen_server.settings import ServerSettings

TABLE_HEADERS = ["db", "case", "median ms", "p95 ms", "p95 ÷ baseline p95", "n", "notes"]


@dataclass(frozen=True)
class Timing:
    label: str
    samples: list[float]  # seconds
    note: str

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


async def sql_samples(settings: ServerSettings, sql: str, repeat: int) -> list[float]:
    """``sql`` run ``repeat`` times (after one unrecorded run that warms the cache) through
    SEN's own engine set-up, so the driver and its connection pragmas are the same."""
    engine = create_engine(settings)
    samples = []
    try:
        async with engine.connect() as conn:
            for attempt in range(repeat + 1):
                started = time.perf_counter()
                (await conn.execute(text(sql))).fetchall()
                if attempt:
                    samples.append(time.perf_counter() - started)
            await conn.rollback()
    finally:
        await engine.dispose()
    return samples


def timing_table(name: str, baseline: Timing, timings: list[Timing]) -> str:
    """The baseline's row first; every p95 as a ratio against the baseline's."""
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
    return markdown(TABLE_HEADERS, rows)


@contextmanager
def backend_url(name: str) -> Iterator[str]:
    """The database URL for a backend ('' is SEN's SQLite file in the data dir)."""
    if name == "sqlite":
        yield ""
        return
    with throwaway_database() as database:
        yield asyncpg_url(database)


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per case")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")


def run_on_each_backend(
    args: argparse.Namespace, prefix: str, measure: Callable[[str, Path, str], str]
) -> None:
    """``measure(backend, data_dir, database_url)`` on each chosen database, in a folder
    removed afterwards; prints the machine first and every backend's table at the end."""
    os.environ["SEN_CONFIG"] = "/nonexistent"  # never a developer's sen-server.toml
    print(header(), flush=True)
    names = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    tables = []
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        for name in names:
            with backend_url(name) as url:
                tables.append(measure(name, Path(work) / name, url))
    print()
    print("\n\n".join(tables))
    print(f"\nload avg at the end: {load()}")


def time_get(
    client: httpx.Client,
    path: str,
    headers: dict[str, str],
    repeat: int,
    params: dict[str, str] | None = None,
) -> tuple[list[float], dict[str, Any]]:
    """``GET path`` ``repeat`` times after one unrecorded warm-up: the seconds each took,
    and the last answer's JSON body."""
    samples: list[float] = []
    body: dict[str, Any] = {}
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        body = response.json()
        if attempt:
            samples.append(elapsed)
    return samples, body
