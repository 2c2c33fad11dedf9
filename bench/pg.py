"""A throwaway PostgreSQL database per run, on the local server (127.0.0.1 only)."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

ADMIN_DSN = os.environ.get("SEN_BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def asyncpg_url(name: str) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create sen_bench_<hex>, yield its name, and drop it however the run ends."""
    name = f"sen_bench_{secrets.token_hex(6)}"
    with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
