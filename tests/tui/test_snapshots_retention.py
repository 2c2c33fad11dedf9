"""The legal holds screen at 80x24 and 120x36, against a real server holding holds placed
with a frozen clock (the IDs and times are the same on every run).

Update with `pytest tests/tui/test_snapshots_retention.py --snapshot-update` after looking
at the report (snapshot_report.html)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from textual.pilot import Pilot

from sen_server.app import create_app
from sen_tui.live import ConnectionState
from sen_tui.screens.legal_holds import LegalHoldsScreen
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.servers import ServerProcess
from tests.support.tui import log_in_through_ui, make_app, on_screen, screen_busy, wait_until
from tests.tui.snapshot_data import DATA_TIME

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
HOLDS = (
    ("Seized shipment, port of entry", "Litigation hold: civil forfeiture case 26-cv-0117"),
    ("Interview at the field office", "FOIA request 2026-0042 pending review"),
)


@pytest.fixture(scope="module")
async def holds_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    from sen_server.migrate import upgrade_async

    settings = server_settings(tmp_path_factory.mktemp("holds-snapshot-server"))
    await upgrade_async(settings)
    await seed_demo(settings, reports=0)
    clock = FakeClock(DATA_TIME)
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        agent, admin = await login(client, "agent.nyc"), await login(client, "admin")
        for title, reason in HOLDS:
            clock.advance(minutes=7)
            draft = await client.post(
                "/api/v1/reports", json={"type": "SIR", "title": title}, headers=agent
            )
            assert draft.status_code == 201, draft.text
            hold = await client.post(
                "/api/v1/admin/holds",
                json={"report_id": draft.json()["id"], "reason": reason},
                headers=admin,
            )
            assert hold.status_code == 201, hold.text
    server = ServerProcess(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("size", list(SIZES))
def test_legal_holds(snap_compare: Any, holds_server: ServerProcess, size: str) -> None:
    app = make_app(holds_server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await log_in_through_ui(pilot, "admin")
        session = pilot.app.session
        await wait_until(pilot, lambda: session.connection_state is ConnectionState.LIVE, "live")
        await pilot.press("h")
        await wait_until(pilot, lambda: on_screen(pilot, LegalHoldsScreen), "the holds")
        await wait_until(pilot, lambda: pilot.app.screen.ready, "the holds loaded")
        await wait_until(pilot, lambda: not screen_busy(pilot), "nothing in flight")
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
