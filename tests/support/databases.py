"""Real databases for the tests: a SQLite file in the test's folder, or a throw-away
database on the local PostgreSQL server (127.0.0.1:5432, trust auth)."""

import os
import secrets
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sen_server.settings import ServerSettings
from tests.support.ci import ON_CI

PG_ADMIN_DSN = os.environ.get("SEN_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def server_settings(tmp_path: Path, database_url: str = "", **extra: Any) -> ServerSettings:
    """Settings for a test server: data under ``tmp_path/data``, SQLite there unless
    ``database_url`` names another database."""
    return ServerSettings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        # Fewer fsyncs in tests; the durable default is measured in bench/.
        sqlite_synchronous="NORMAL",
        **extra,
    )


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_postgres() -> None:
    """Skip the calling test without PostgreSQL, except under CI, where it must run."""
    if postgres_available():
        return
    if ON_CI:
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is required when CI=true")
    pytest.skip("PostgreSQL is not running at 127.0.0.1:5432 (set CI=true to make this fatal)")


def create_pg_database(template: str | None = None) -> str:
    """A new database with a random name, optionally copied from ``template``."""
    name = f"sen_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return name


def drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_url(name: str) -> str:
    """The server's URL for database ``name`` on the local PostgreSQL."""
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
