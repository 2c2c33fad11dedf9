"""The news workspace from the keyboard (SPEC §7, issue 13): public affairs filters the
stories by outlet, finds a story,
links it to an SIR by the SIR's ID, sees the story on the SIR's detail, and unlinks it,
against a real server process."""

from typing import Any

from textual.widgets import DataTable, Select

from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.news_filter import NewsFilterModal
from sen_tui.modals.news_story import NewsStoryModal
from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.news import NewsScreen
from sen_tui.screens.report_detail import ReportDetailScreen
from tests.support.tui import (
    Api,
    log_in_through_ui,
    make_app,
    on_screen,
    open_from_queue,
    switch_workspace,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, sir_body

HEADLINE = "Federal agents seize counterfeit goods at cargo terminal"


async def test_public_affairs_links_a_story_to_an_sir_and_sees_it_on_the_report(
    tui_server: Any, api: Api
) -> None:
    sir = await api.sent(
        "agent.nyc", "SIR", "Seizure at the cargo terminal", event_at=EVENT_AT, body=sir_body()
    )
    story_body = {
        "headline": HEADLINE,
        "outlet": "Queens Ledger",
        "url": "https://news.example.com/queens/seizure",
        "published_at": "2026-03-02T07:00:00Z",
        "summary": "The paper reports a seizure of counterfeit goods and quotes the agency.",
    }
    other_body = {
        **story_body,
        "headline": "Agency opens new field office",
        "outlet": "Metro Daily Tribune",
        "published_at": "2026-03-01T07:00:00Z",
    }
    await api.sent("pao", "NEWS", "Field office", event_at=EVENT_AT, body=other_body)
    story = await api.sent("pao", "NEWS", HEADLINE, event_at=EVENT_AT, body=story_body)
    me = await api.call("pao", "GET", "/me")
    queues = [q["name"] for q in me["workspaces"][0]["queues"]]
    all_key = str(queues.index("all") + 1)

    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "pao")  # lands on Reports; News is the next workspace
        await switch_workspace(pilot, "news")
        await wait_until(pilot, lambda: on_screen(pilot, NewsScreen), "the news workspace")
        news = app.screen
        assert isinstance(news, NewsScreen)
        await wait_until(pilot, lambda: news.ready and news.current_story is not None, "stories")
        assert news.current_story.id == story["id"]  # the newest first
        table = news.query_one("#news-table", DataTable)
        assert table.row_count == 2

        # Filter to one outlet from the dialog; the list and its heading say so.
        await pilot.press("/")
        await wait_until(pilot, lambda: on_screen(pilot, NewsFilterModal), "the filter dialog")
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.query_one("#filter-outlet").has_focus, "outlets")
        dialog.query_one("#filter-outlet", Select).value = "Queens Ledger"
        dialog.query_one("#apply").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is news, "back on the list")
        await wait_until(pilot, lambda: news.ready and table.row_count == 1, "one outlet")
        assert "Stories from Queens Ledger" in text_of(app, "#news-filters")
        assert "Queens Ledger" in str(news.query_one("#news-table", DataTable).get_row_at(0)[1])

        await pilot.press("o")
        await wait_until(pilot, lambda: on_screen(pilot, NewsStoryModal), "the story")
        assert "quotes the agency" in text_of(app, "#story-text")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is news, "back on the list")

        # A report public affairs may not read is refused in words, naming the field.
        await pilot.press("l")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the ID prompt")
        await type_text(pilot, "OPPRED-2026-000001")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: any("Related report" in n.message for n in app._notifications),
            "the refusal",
        )
        await pilot.press("l")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the ID prompt")
        await type_text(pilot, sir["id"])
        await pilot.press("enter")
        table = news.query_one("#news-table", DataTable)
        await wait_until(
            pilot,
            lambda: (
                news.current_story is not None
                and [r.id for r in news.current_story.linked] == [sir["id"]]
            ),
            "the link",
        )
        assert "1" in str(table.get_row_at(0)[2])

        # The SIR's detail shows the story.
        await switch_workspace(pilot, "queues")
        await wait_until(pilot, lambda: app.screen is not news, "the reports workspace")
        await open_from_queue(pilot, all_key, sir["id"])
        detail = app.screen
        assert isinstance(detail, ReportDetailScreen)
        await wait_until(
            pilot, lambda: detail.query_one("#report-coverage").display, "the coverage"
        )
        coverage = text_of(app, "#report-coverage")
        assert "In the news" in coverage and "Queens Ledger" in coverage
        assert story["id"] in coverage

        # Back to the story and unlink it from the keyboard.
        await pilot.press("escape")
        await switch_workspace(pilot, "news")
        await wait_until(pilot, lambda: app.screen is news, "the news workspace again")
        await pilot.press("u")
        await wait_until(pilot, lambda: on_screen(pilot, ChoiceModal), "which report")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: news.current_story is not None and not news.current_story.linked,
            "unlinked",
        )
    coverage_now = await api.call("pao", "GET", f"/reports/{sir['id']}/news")
    assert coverage_now["items"] == []
