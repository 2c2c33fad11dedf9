"""Searching reports from the keyboard, against a real server."""

from typing import Any

from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.search import SearchScreen
from sen_tui.widgets.queue_table import QueueTable
from tests.tui.bodies import EVENT_AT, sir_body
from tests.tui.conftest import Api, log_in_through_ui, make_app, on_screen, type_text, wait_until


async def test_agent_finds_a_draft_by_a_word_of_its_narrative(tui_server: Any, api: Api) -> None:
    body = sir_body()
    body["narrative"] = "Synthetic narrative: the courier carried a zanzibarite sample."
    draft = await api.draft("agent.nyc", "SIR", "Courier stopped", event_at=EVENT_AT, body=body)
    await api.draft("agent.nyc", "SIR", "Unrelated draft", event_at=EVENT_AT, body=sir_body())
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await pilot.press("/")
        await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "the search screen")
        await wait_until(pilot, lambda: app.screen.query_one("#search-query").has_focus, "focus")
        await type_text(pilot, "zanzibarite")
        await pilot.press("enter")
        table = app.screen.query_one(QueueTable)
        await wait_until(pilot, lambda: app.screen.page is not None, "the results")
        assert [i.id for i in table.items] == [draft["id"]]
        assert "1-1 of 1" in str(app.screen.query_one("#search-summary").render())
        assert table.has_focus
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_screen(pilot, ReportDetailScreen), "the report")
        await wait_until(pilot, lambda: app.screen.report is not None, "the report loaded")
        assert app.screen.report.id == draft["id"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "back on the search")


async def test_status_filter_and_paging(tui_server: Any, api: Api) -> None:
    ids = [
        (await api.draft("officer.lax", "SIR", f"Quokka sighting {n}", event_at=EVENT_AT))["id"]
        for n in range(7)
    ]
    app = make_app(tui_server.url, page_size=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.lax")
        await pilot.press("/")
        await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "the search screen")
        screen = app.screen
        await type_text(pilot, "quokka")
        await pilot.press("enter")
        table = screen.query_one(QueueTable)
        await wait_until(pilot, lambda: len(table.items) == 5, "the first page")
        await pilot.press("]")
        await wait_until(pilot, lambda: len(table.items) == 2, "the second page")
        assert "6-7 of 7 · page 2/2" in str(screen.query_one("#search-summary").render())
        assert {i.id for i in table.items} < set(ids)
        await pilot.press("[")
        await wait_until(pilot, lambda: len(table.items) == 5, "the first page again")
        screen.query_one("#search-status").value = "submitted"  # nothing submitted
        await wait_until(pilot, lambda: not table.items, "no rows")
        assert "No report" in str(screen.query_one("#search-summary").render())
