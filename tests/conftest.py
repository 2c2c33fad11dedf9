"""Shared fixtures: real databases (a SQLite file, the local PostgreSQL), the demo
organisation, an injectable clock, and the server as a real process. The helpers behind
them live in ``tests/support``, where tests import them from."""

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.migrate import upgrade
from sen_server.settings import ServerSettings
from tests.support.alone import cores
from tests.support.clock import FakeClock
from tests.support.databases import (
    create_pg_database,
    drop_pg_database,
    pg_url,
    require_postgres,
    server_settings,
)
from tests.support.demo import seed_demo
from tests.support.servers import ServerProcess


@pytest.fixture(autouse=True)
def _share_the_cores(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """A test marked ``alone`` (it asserts a time bound) runs with no other test beside it
    on the other worker (tests/support/alone.py)."""
    alone = request.node.get_closest_marker("alone") is not None
    with cores(tmp_path_factory, alone=alone):
        yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> ServerSettings:
    settings = server_settings(tmp_path)
    upgrade(settings)
    return settings


@pytest.fixture
def pg_settings(tmp_path: Path) -> Iterator[ServerSettings]:
    require_postgres()
    name = create_pg_database()
    settings = server_settings(tmp_path, pg_url(name))
    upgrade(settings)
    try:
        yield settings
    finally:
        drop_pg_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerSettings]:
    """Settings for an empty database on each backend, not migrated: migration tests
    take it from any revision."""
    if request.param == "sqlite":
        yield server_settings(tmp_path)
        return
    require_postgres()
    name = create_pg_database()
    try:
        yield server_settings(tmp_path, pg_url(name))
    finally:
        drop_pg_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest) -> ServerSettings:
    """Parametrised over both databases: every test using it runs on SQLite and PostgreSQL."""
    name = "sqlite_settings" if request.param == "sqlite" else "pg_settings"
    settings: ServerSettings = request.getfixturevalue(name)
    return settings


@pytest.fixture(scope="session")
def demo_template_sqlite(tmp_path_factory: pytest.TempPathFactory) -> ServerSettings:
    """The demo organisation built once; each test gets a copy (Argon2 makes seeding slow)."""
    settings = server_settings(tmp_path_factory.mktemp("demo-template"))
    upgrade(settings)
    asyncio.run(seed_demo(settings))
    return settings


@pytest.fixture(scope="session")
def demo_template_pg(demo_template_sqlite: ServerSettings) -> Iterator[str]:
    """A PostgreSQL template database holding the demo organisation, signed with the same
    audit key as the SQLite template (so one data folder serves both)."""
    require_postgres()
    name = create_pg_database()
    settings = server_settings(demo_template_sqlite.data_dir.parent, pg_url(name))
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
        yield server_settings(tmp_path)
        return
    template = request.getfixturevalue("demo_template_pg")
    name = create_pg_database(template=template)
    try:
        yield server_settings(tmp_path, pg_url(name))
    finally:
        drop_pg_database(name)


@pytest.fixture
async def client(
    demo_settings: ServerSettings, clock: FakeClock
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(demo_settings, clock=clock)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def start_server() -> Iterator[Any]:
    """``start_server(settings, port=None, env=None)`` runs sen-server as a real process
    until the test ends (``env``: more SEN_* settings); tests may stop (even SIGKILL) and
    start it again in between."""
    started: list[ServerProcess] = []

    def _start(
        settings: ServerSettings, port: int | None = None, env: dict[str, str] | None = None
    ) -> ServerProcess:
        server = ServerProcess(settings, port, env)
        server.start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()
