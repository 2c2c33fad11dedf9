"""Shared fixtures: real databases (a SQLite file, the local PostgreSQL), the demo
organisation, an injectable clock, and the server as a real process."""

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.demo.build import build_demo
from sen_server.migrate import upgrade
from sen_server.settings import ServerSettings

PG_ADMIN_DSN = os.environ.get("SEN_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
DEMO_PASSWORD = "synthetic-demo-pass-2026"
ON_CI = os.environ.get("CI", "").lower() == "true"


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_postgres() -> None:
    if postgres_available():
        return
    if ON_CI:
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is required when CI=true")
    pytest.skip("PostgreSQL is not running at 127.0.0.1:5432 (set CI=true to make this fatal)")


def create_pg_database(template: str | None = None) -> str:
    name = f"sen_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return name


def drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_url(name: str) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


@dataclass
class FakeClock:
    """An injectable clock: tests move time instead of sleeping."""

    moment: datetime

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


def _settings(tmp_path: Path, database_url: str = "", **extra: Any) -> ServerSettings:
    return ServerSettings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        # Fewer fsyncs in tests; the durable default is measured in bench/.
        sqlite_synchronous="NORMAL",
        **extra,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerSettings]:
    """Parametrised over both databases: every test using it runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        settings = _settings(tmp_path)
        upgrade(settings)
        yield settings
        return
    require_postgres()
    name = create_pg_database()
    settings = _settings(tmp_path, pg_url(name))
    upgrade(settings)
    try:
        yield settings
    finally:
        drop_pg_database(name)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> ServerSettings:
    settings = _settings(tmp_path)
    upgrade(settings)
    return settings


@pytest.fixture
def pg_settings(tmp_path: Path) -> Iterator[ServerSettings]:
    require_postgres()
    name = create_pg_database()
    settings = _settings(tmp_path, pg_url(name))
    upgrade(settings)
    try:
        yield settings
    finally:
        drop_pg_database(name)


async def seed_demo(settings: ServerSettings, reports: int = 0) -> None:
    await build_demo(settings, DEMO_PASSWORD, reports=reports, seed=7)


@pytest.fixture(scope="session")
def demo_template_sqlite(tmp_path_factory: pytest.TempPathFactory) -> ServerSettings:
    """The demo organisation built once; each test gets a copy (Argon2 makes seeding slow)."""
    settings = _settings(tmp_path_factory.mktemp("demo-template"))
    upgrade(settings)
    asyncio.run(seed_demo(settings))
    return settings


@pytest.fixture(scope="session")
def demo_template_pg(demo_template_sqlite: ServerSettings) -> Iterator[str]:
    """A PostgreSQL template database holding the demo organisation, signed with the same
    audit key as the SQLite template (so one data folder serves both)."""
    require_postgres()
    name = create_pg_database()
    settings = _settings(demo_template_sqlite.data_dir.parent, pg_url(name))
    upgrade(settings)
    asyncio.run(seed_demo(settings))
    try:
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_settings(
    request: pytest.FixtureRequest, tmp_path: Path, demo_template_sqlite: ServerSettings
) -> Iterator[ServerSettings]:
    """The SPEC §11 demo organisation (no reports), on SQLite and on PostgreSQL."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo_template_sqlite.data_dir, data_dir)
    if request.param == "sqlite":
        yield _settings(tmp_path)
        return
    template = request.getfixturevalue("demo_template_pg")
    name = create_pg_database(template=template)
    try:
        yield _settings(tmp_path, pg_url(name))
    finally:
        drop_pg_database(name)


@pytest.fixture
async def client(
    demo_settings: ServerSettings, clock: FakeClock
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(demo_settings, clock=clock)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def login(client: Any, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in, acknowledge the rules, and return the Authorization header."""
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    if response.json()["must_acknowledge_rules"]:
        ack = await client.post(
            "/api/v1/auth/rules-acknowledgment", json={"version": "2026-1"}, headers=headers
        )
        assert ack.status_code == 200, ack.text
    return headers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """`sen-server serve` as a real process on a free loopback port."""

    settings: ServerSettings
    port: int
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SEN_DATA_DIR=str(self.settings.data_dir),
            SEN_DATABASE_URL=self.settings.database_url,
            SEN_SQLITE_SYNCHRONOUS=self.settings.sqlite_synchronous,
            SEN_CONFIG="/nonexistent",
        )
        return env

    def start(self) -> None:
        self.log_path = self.settings.data_dir / f"server-{self.port}.log"
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sen_server.cli", "serve", "--port", str(self.port)],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy within 30 s")

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=15)

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path and self.log_path.exists() else ""


@pytest.fixture
def start_server() -> Iterator[Any]:
    started: list[ServerProcess] = []

    def _start(settings: ServerSettings, port: int | None = None) -> ServerProcess:
        server = ServerProcess(settings, port or free_port())
        server.start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


def run(coro: Any) -> Any:
    return asyncio.get_event_loop().run_until_complete(coro)
