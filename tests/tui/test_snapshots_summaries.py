"""The summaries workspace at 80x24 and 120x36: the composer, the preview (exactly as the
email reads) and the sent list with a delivered and a failed summary.

The composer's default selection is "submitted in the last 24 hours", so the server's own
clock decides what it offers: this file serves its fixed data from a real HTTP server
(uvicorn on loopback, in a thread) whose clock is frozen, the way the data was written.
No outbox worker runs: one summary was delivered and one refused (a 554 from the mail
server) while the data was written, and nothing changes after.
"""

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import uvicorn
from litestar.testing import AsyncTestClient
from textual.pilot import Pilot
from textual.widgets import DataTable, SelectionList

from sen_server.app import create_app
from sen_server.jobs.outbox import DeliveryFailed, drain
from sen_server.jobs.registry import JobRegistry
from sen_server.migrate import upgrade
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.summaries.delivery import KIND
from sen_tui.live import ConnectionState
from sen_tui.modals.pick_workspace import PickWorkspaceModal
from sen_tui.screens.summaries import SummariesScreen
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.servers import free_port
from tests.support.tui import (
    FROZEN_NOW,
    log_in_through_ui,
    make_app,
    on_screen,
    screen_busy,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, leara_body, sir_body, spot_body

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
pytestmark = pytest.mark.parametrize("size", list(SIZES))


class NoWorker(JobRegistry):
    async def start(self, runtime: Runtime) -> None:
        return None


async def _seed(settings: ServerSettings) -> None:
    await seed_demo(settings, reports=0)
    clock = FakeClock(FROZEN_NOW - timedelta(hours=3))
    async with AsyncTestClient(app=create_app(settings, clock=clock, jobs=NoWorker())) as client:
        agent, iroc = await login(client, "agent.nyc"), await login(client, "iroc.watch")
        officer = await login(client, "officer.nyc")

        async def post(headers: dict[str, str], path: str, payload: Any) -> Any:
            clock.advance(minutes=1)
            response = await client.post(f"/api/v1{path}", json=payload, headers=headers)
            assert response.is_success, response.text
            return response.json()

        async def submitted(headers: dict[str, str], payload: dict[str, Any]) -> Any:
            draft = await post(headers, "/reports", payload)
            return await post(
                headers, f"/reports/{draft['id']}/submit", {"base_revision": draft["revision"]}
            )

        sir = await submitted(
            agent,
            {
                "type": "SIR",
                "title": "Arrest of a fugitive at the port",
                "event_at": EVENT_AT,
                "case_number": "HSI-NY-26-0701",
                "body": sir_body(),
            },
        )
        spot = await submitted(
            agent,
            {
                "type": "SPOT",
                "title": "Threat to the field office",
                "event_at": EVENT_AT,
                "body": spot_body(),
            },
        )
        await submitted(
            officer,
            {
                "type": "LEARA",
                "title": "Local police ask for a translator",
                "event_at": EVENT_AT,
                "body": leara_body(),
            },
        )
        lists = (await client.get("/api/v1/summaries/lists", headers=iroc)).json()
        for reports, chosen in (([sir["id"], spot["id"]], lists[:2]), ([sir["id"]], lists[2:])):
            draft = await post(
                iroc,
                "/summaries",
                {"report_ids": reports, "list_ids": [row["id"] for row in chosen]},
            )
            await post(iroc, f"/summaries/{draft['id']}/send", {"base_revision": draft["revision"]})

    runtime = Runtime.build(settings, clock)
    outcomes = iter([None, DeliveryFailed("554 5.7.1 Relay access denied", permanent=True)])

    async def deliver(_: Runtime, __: dict[str, Any]) -> None:
        if (failure := next(outcomes)) is not None:
            raise failure

    assert await drain(runtime, {KIND: deliver}) == 2
    await runtime.engine.dispose()


@pytest.fixture(scope="module")
def frozen_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = server_settings(tmp_path_factory.mktemp("summaries-snapshots"))
    upgrade(settings)
    asyncio.run(_seed(settings))
    app = create_app(settings, clock=lambda: FROZEN_NOW, jobs=NoWorker())
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a hang guard
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the snapshot server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


async def _summaries(pilot: Pilot[Any]) -> SummariesScreen:
    app = pilot.app
    await log_in_through_ui(pilot, "iroc.watch")
    session = app.session
    await wait_until(pilot, lambda: session.connection_state is ConnectionState.LIVE, "live")
    await pilot.press("w")
    await wait_until(pilot, lambda: on_screen(pilot, PickWorkspaceModal), "workspaces")
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: on_screen(pilot, SummariesScreen) and app.screen.ready, "summaries"
    )
    screen = app.screen
    assert isinstance(screen, SummariesScreen)
    table = screen.query_one("#sent-table", DataTable)
    await wait_until(pilot, lambda: table.row_count == 2, "the sent list")
    return screen


def snap(snap_compare: Any, url: str, size: str, then: Any) -> None:
    app = make_app(url)

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await _summaries(pilot)
        await then(pilot, screen)
        await wait_until(pilot, lambda: not screen_busy(pilot), "the screen's work done")
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_sent_list(snap_compare: Any, frozen_server: str, size: str) -> None:
    async def then(pilot: Pilot[Any], screen: SummariesScreen) -> None:
        # The newest, refused one is under the cursor: its mail server's reply shows.
        await wait_until(
            pilot, lambda: "554" in str(screen.query_one("#sent-note").render()), "reply"
        )

    snap(snap_compare, frozen_server, size, then)


def test_composer(snap_compare: Any, frozen_server: str, size: str) -> None:
    async def then(pilot: Pilot[Any], screen: SummariesScreen) -> None:
        await pilot.press("n")
        picker = screen.query_one("#report-picker", SelectionList)
        await wait_until(pilot, lambda: picker.option_count == 3, "the last 24 hours")
        await pilot.press("tab", "down", "space")
        lists = screen.query_one("#list-picker", SelectionList)
        await wait_until(pilot, lambda: len(lists.selected) == 1, "a list picked")

    snap(snap_compare, frozen_server, size, then)


def test_preview(snap_compare: Any, frozen_server: str, size: str) -> None:
    async def then(pilot: Pilot[Any], screen: SummariesScreen) -> None:
        await pilot.press("enter")  # the newest sent summary, as its email reads
        await wait_until(pilot, lambda: screen.shown is not None, "the preview")

    snap(snap_compare, frozen_server, size, then)
