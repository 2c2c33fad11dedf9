"""Fixtures for the terminal client's tests: a real sen-server process per test module and
the API as other users see it. The helpers that drive the app (make_app, wait_until,
log_in_through_ui…) are in tests/support/tui.py."""

import os
from collections.abc import AsyncIterator

import httpx
import pytest

# Before any app starts: no animations, no user config file, no OS keyring.
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ["SEN_CLIENT_CONFIG"] = "/nonexistent/sen.toml"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from sen_server.migrate import upgrade_async
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.servers import ServerProcess
from tests.support.tui import Api


@pytest.fixture(scope="module")
async def tui_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    """sen-server as a real process with the demo organisation and no reports.

    One per test module (starting one costs seconds on two cores): the tests of a module
    use their own users or their own reports, so they don't see each other's traces.
    """
    settings = server_settings(tmp_path_factory.mktemp("tui-server"))
    await upgrade_async(settings)
    await seed_demo(settings, reports=0)
    server = ServerProcess(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def api(tui_server: ServerProcess) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=tui_server.url, timeout=30) as http:
        yield Api(http)
