"""The news workspace at 80x24 and 120x36, against a real server holding fixed stories
written through the API with a frozen clock (the style of test_snapshots.py: the client's
clock frozen, animations and cursor blink off, waits on what is shown, never sleeps).

Update with `pytest tests/tui/test_snapshots_news.py --snapshot-update` after looking at
the report."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from textual.pilot import Pilot

from sen_server.app import create_app
from sen_server.settings import ServerSettings
from sen_tui.live import ConnectionState
from sen_tui.screens.news import NewsScreen
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.servers import ServerProcess
from tests.support.tui import (
    log_in_through_ui,
    make_app,
    on_screen,
    screen_busy,
    switch_workspace,
    wait_until,
)
from tests.tui.bodies import sir_body

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
DATA_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STORIES = [
    ("Brooklyn Daily Eagle", "2026-02-24T18:30:00Z", "Agency opens new field office in Brooklyn"),
    ("WNYC News", "2026-02-26T07:15:00Z", "Agents arrest fugitive wanted in three states"),
    ("The Long Island Herald", "2026-02-27T12:00:00Z", "Port seizure nets counterfeit watches"),
    ("Queens Ledger", "2026-03-01T06:45:00Z", "Counterfeit goods seized at JFK cargo terminal"),
    ("Newsday", "2026-03-01T16:20:00Z", "Officials praise cooperation in cargo seizure case"),
    ("The Albany Times", "2026-03-02T08:05:00Z", "State and federal officers train together"),
]


async def _seed(settings: ServerSettings) -> None:
    await seed_demo(settings, reports=0)
    clock = FakeClock(DATA_TIME)
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        agent, pao = await login(client, "agent.nyc"), await login(client, "pao")

        async def sent(headers: dict[str, str], payload: dict[str, Any]) -> Any:
            clock.advance(minutes=1)
            draft = await client.post("/api/v1/reports", json=payload, headers=headers)
            assert draft.is_success, draft.text
            report = draft.json()
            submit = await client.post(
                f"/api/v1/reports/{report['id']}/submit",
                json={"base_revision": report["revision"]},
                headers=headers,
            )
            assert submit.is_success, submit.text
            return submit.json()

        sir = await sent(
            agent,
            {
                "type": "SIR",
                "title": "Seizure of counterfeit goods at the cargo terminal",
                "event_at": "2026-03-01T02:00:00Z",
                "body": sir_body(),
            },
        )
        linked = []
        for outlet, published, headline in STORIES:
            story = await sent(
                pao,
                {
                    "type": "NEWS",
                    "title": headline,
                    "event_at": "2026-03-01T02:00:00Z",
                    "body": {
                        "headline": headline,
                        "outlet": outlet,
                        "url": "https://news.example.com/" + headline.lower().replace(" ", "-"),
                        "published_at": published,
                        "summary": f"{outlet} reports on the agency's work and quotes officials.",
                    },
                },
            )
            if "seiz" in headline.lower():
                linked.append(story["id"])
        for news_id in linked:
            response = await client.post(
                f"/api/v1/news/{news_id}/links", json={"report_id": sir["id"]}, headers=pao
            )
            assert response.is_success, response.text


@pytest.fixture(scope="module")
async def news_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    from sen_server.migrate import upgrade_async

    settings = server_settings(tmp_path_factory.mktemp("news-snapshot-server"))
    await upgrade_async(settings)
    await _seed(settings)
    server = ServerProcess(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("size", list(SIZES))
def test_news_list(snap_compare: Any, news_server: ServerProcess, size: str) -> None:
    app = make_app(news_server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await log_in_through_ui(pilot, "pao")
        await switch_workspace(pilot, "news")
        await wait_until(pilot, lambda: on_screen(pilot, NewsScreen), "the news workspace")
        screen = app.screen
        await wait_until(pilot, lambda: screen.ready, "the stories")
        session = app.session
        assert session is not None
        await wait_until(pilot, lambda: session.connection_state is ConnectionState.LIVE, "live")
        await wait_until(pilot, lambda: not screen_busy(pilot), "the screen's work done")
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
