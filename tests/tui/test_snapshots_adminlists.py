"""Snapshots of the administration workspace's Lists and Agencies tabs at 80x24 and 120x36,
each with the selected row's detail line under the table. Against a real server with the
demo organisation; the demo agencies' certificates are made when the demo is built, so
their expiry is set to a fixed day here before the server starts."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import col, update
from textual.pilot import Pilot

from sen_server.intel.models import Agency
from sen_server.runtime import Runtime
from sen_tui.modals.admin_form import FormModal
from sen_tui.screens.admin import AdminScreen
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.servers import ServerProcess
from tests.support.tui import in_workspace, log_in_through_ui, make_app, on_screen, wait_until

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
CERTIFICATES_EXPIRE = datetime(2029, 3, 1, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.parametrize("size", list(SIZES))


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    from sen_server.migrate import upgrade_async

    settings = server_settings(tmp_path_factory.mktemp("adminlists-snapshot-server"))
    await upgrade_async(settings)
    await seed_demo(settings, reports=0)
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            fixed = update(Agency).where(col(Agency.id).is_not(None))
            await session.exec(fixed.values(certificate_not_after=CERTIFICATES_EXPIRE))
            await session.commit()
    finally:
        await runtime.engine.dispose()
    process = ServerProcess(settings)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def on_tab(snap_compare: Any, server: ServerProcess, size: str, key: str, table: str) -> None:
    app = make_app(server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await log_in_through_ui(pilot, "admin")
        assert on_screen(pilot, AdminScreen)
        await wait_until(pilot, lambda: in_workspace(pilot), "the workspace loaded")
        await pilot.press(key)
        shown = pilot.app.screen.query_one(table)
        await wait_until(pilot, lambda: shown.has_focus and shown.row_count > 0, table)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_lists_tab(snap_compare: Any, server: ServerProcess, size: str) -> None:
    on_tab(snap_compare, server, size, "l", "#lists-table")


def test_agencies_tab(snap_compare: Any, server: ServerProcess, size: str) -> None:
    on_tab(snap_compare, server, size, "i", "#agencies-table")


def test_edit_list_dialog(snap_compare: Any, server: ServerProcess, size: str) -> None:
    """The list's name and its addresses, one a line, in one dialog."""
    app = make_app(server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await log_in_through_ui(pilot, "admin")
        await wait_until(pilot, lambda: in_workspace(pilot), "the workspace loaded")
        await pilot.press("l")
        shown = pilot.app.screen.query_one("#lists-table")
        await wait_until(pilot, lambda: shown.has_focus and shown.row_count > 0, "the lists")
        await pilot.press("e")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the dialog")
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#form-name").has_focus)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
