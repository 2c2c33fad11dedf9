"""Snapshots of the administration workspace's account and office screens at 80x24 and
120x36: the users list, the add-account dialog, the temporary-password dialog and the
office tree. Against a real server with the demo organisation (fixed data); the temporary
password, random on every run, is shown with a fixed one."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from textual.pilot import Pilot

from sen_tui.modals.admin_form import FormModal
from sen_tui.modals.temporary_password import TemporaryPasswordModal
from sen_tui.screens.admin import AdminScreen
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.servers import ServerProcess
from tests.support.tui import in_workspace, log_in_through_ui, make_app, on_screen, wait_until

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
FIXED_PASSWORD = "kX3v-Q9tLm2pRw7a"

pytestmark = pytest.mark.parametrize("size", list(SIZES))


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    from sen_server.migrate import upgrade_async

    settings = server_settings(tmp_path_factory.mktemp("admin-snapshot-server"))
    await upgrade_async(settings)
    await seed_demo(settings, reports=0)
    process = ServerProcess(settings)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def as_admin(snap_compare: Any, server: ServerProcess, size: str, then: Any) -> None:
    app = make_app(server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await log_in_through_ui(pilot, "admin")
        assert on_screen(pilot, AdminScreen)
        await wait_until(pilot, lambda: in_workspace(pilot), "the accounts listed")
        await then(pilot)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_users_list(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#users-table").has_focus)

    as_admin(snap_compare, server, size, then)


def test_add_user_dialog(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("a")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the form")
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#form-username").has_focus)

    as_admin(snap_compare, server, size, then)


def test_temporary_password_dialog(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        modal = TemporaryPasswordModal("agent.bos", FIXED_PASSWORD, reason="The account is made.")
        pilot.app.push_screen(modal)
        await wait_until(pilot, lambda: on_screen(pilot, TemporaryPasswordModal), "the dialog")

    as_admin(snap_compare, server, size, then)


def test_offices_tree(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("o")
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.query_one("#offices-table").has_focus, "offices")
        await wait_until(pilot, lambda: screen.query_one("#offices-table").row_count > 0)

    as_admin(snap_compare, server, size, then)
