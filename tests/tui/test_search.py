"""Searching reports from the keyboard, against a real server."""

from datetime import datetime, timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.search import SearchScreen
from sen_tui.widgets.queue_table import QueueTable
from tests.support.tui import Api, log_in_through_ui, make_app, on_screen, type_text, wait_until
from tests.tui.bodies import EVENT_AT, sir_body


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


def titles(table: QueueTable) -> list[str]:
    """The Title column as the user reads it, top to bottom."""
    return [str(cell) for cell in table.get_column("title")]


def summary(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#search-summary").render())


async def choose(pilot: Pilot[Any], selector: str, label: str) -> None:
    """Open a filter's drop-down from the keyboard and pick the option named ``label``."""
    select = pilot.app.screen.query_one(selector, Select)
    select.focus()
    await pilot.press("enter")
    options = select.query_one(OptionList)
    await wait_until(pilot, lambda: options.has_focus, f"the {selector} options")
    for _ in range(options.option_count):
        highlighted = options.highlighted_option
        if highlighted is not None and str(highlighted.prompt) == label:
            await pilot.press("enter")
            await wait_until(pilot, lambda: not options.has_focus, f"{label} chosen")
            return
        await pilot.press("down")
    raise AssertionError(f"{selector} offers no {label!r}")


async def search_for(pilot: Pilot[Any], words: str) -> QueueTable:
    await pilot.press("/")
    await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "the search screen")
    await wait_until(pilot, lambda: pilot.app.screen.query_one("#search-query").has_focus, "focus")
    await type_text(pilot, words)
    await pilot.press("enter")
    return pilot.app.screen.query_one(QueueTable)


async def test_priority_filter_keeps_only_the_flash_report(tui_server: Any, api: Api) -> None:
    for title, priority in [
        ("Wombat crossing, routine", "routine"),
        ("Wombat crossing, flash", "flash"),
        ("Wombat crossing, priority", "priority"),
    ]:
        await api.draft("agent.nyc", "SIR", title, event_at=EVENT_AT, priority=priority)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        table = await search_for(pilot, "wombat")
        await wait_until(pilot, lambda: len(titles(table)) == 3, "the three drafts")
        assert "1-3 of 3" in summary(pilot)

        await choose(pilot, "#search-priority", "flash")
        await wait_until(pilot, lambda: table.row_count == 1, "only the flash draft")
        assert titles(table) == ["Wombat crossing, flash"]
        assert str(table.get_cell_at((0, 2))) == "FLASH"
        assert "1-1 of 1" in summary(pilot)

        await choose(pilot, "#search-priority", "Any priority")
        await wait_until(pilot, lambda: table.row_count == 3, "all three again")
        assert "1-3 of 3 · page 1/1" in summary(pilot)


async def test_time_filter_counts_back_from_the_session_clock(tui_server: Any, api: Api) -> None:
    older = await api.draft("agent.nyc", "SIR", "Numbat survey, older", event_at=EVENT_AT)
    newer = await api.draft("agent.nyc", "SIR", "Numbat survey, newer", event_at=EVENT_AT)
    older_at = datetime.fromisoformat(older["updated_at"])
    newer_at = datetime.fromisoformat(newer["updated_at"])
    assert older_at < newer_at
    # The user searches a day after a moment between the two changes: "Last 24 hours"
    # reaches back past the newer draft but not the older one, whatever the server's date.
    day_later = older_at + (newer_at - older_at) / 2 + timedelta(hours=24)
    app = make_app(tui_server.url)
    app.clock = lambda: day_later
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        table = await search_for(pilot, "numbat")
        await wait_until(pilot, lambda: table.row_count == 2, "both drafts")

        await choose(pilot, "#search-time", "Last 24 hours")
        await wait_until(pilot, lambda: table.row_count == 1, "only the newer draft")
        assert titles(table) == ["Numbat survey, newer"]
        assert "1-1 of 1" in summary(pilot)

        await choose(pilot, "#search-time", "Last 7 days")
        await wait_until(pilot, lambda: table.row_count == 2, "both drafts again")
        assert titles(table) == ["Numbat survey, newer", "Numbat survey, older"]
        assert "1-2 of 2" in summary(pilot)
