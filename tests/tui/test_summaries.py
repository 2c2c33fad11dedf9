"""A watch officer composes and sends an IROC summary from the keyboard, against a real
server (SPEC §5, issue 11): workspace, new summary with the server's 24 h default, a
distribution list, draft, an edited paragraph, the preview, send, and the sent list."""

from typing import Any

from textual.widgets import DataTable, SelectionList, TextArea

from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.pick_workspace import PickWorkspaceModal
from sen_tui.screens.summaries import SummariesScreen
from tests.support.tui import (
    Api,
    log_in_through_ui,
    make_app,
    notified,
    on_screen,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, sir_body

NOTE = "Watch note "


async def test_a_watch_officer_composes_previews_and_sends_from_the_keyboard(
    tui_server: Any, api: Api
) -> None:
    sir = await api.sent(
        "agent.nyc",
        "SIR",
        "Arrest at the port",
        event_at=EVENT_AT,
        body=sir_body(),
        case_number="HSI-NY-26-0601",
    )
    spot = await api.spot("agent.lax", "Threat to the field office")
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "iroc.watch")
        await pilot.press("w")
        await wait_until(pilot, lambda: on_screen(pilot, PickWorkspaceModal), "workspaces")
        await pilot.press("enter")  # the cursor starts on the next workspace
        await wait_until(
            pilot,
            lambda: on_screen(pilot, SummariesScreen) and app.screen.ready,
            "the summaries workspace",
        )
        screen = app.screen
        await pilot.press("n")
        picker = screen.query_one("#report-picker", SelectionList)
        await wait_until(pilot, lambda: picker.option_count == 2, "the last 24 hours' reports")
        assert set(picker.selected) == {sir["id"], spot["id"]}  # the server's default
        await pilot.press("tab", "down", "space")  # the first distribution list
        lists = screen.query_one("#list-picker", SelectionList)
        await wait_until(pilot, lambda: len(lists.selected) == 1, "a list picked")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: bool(screen.query(TextArea)), "the paragraphs")
        await wait_until(pilot, lambda: isinstance(app.focused, TextArea), "the first paragraph")
        await type_text(pilot, NOTE)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: NOTE in text_of(app, "#preview-text"), "the preview")
        preview = text_of(app, "#preview-text")
        assert preview.strip().startswith("LAW ENFORCEMENT SENSITIVE")
        assert sir["id"] in preview and "HSI-NY-26-0601" in preview
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: on_screen(pilot, ChoiceModal), "the send question")
        await pilot.press("enter")
        await wait_until(pilot, lambda: notified(app, "sent."), "sent")
        table = screen.query_one("#sent-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, "the sent list")

    [item] = await api.call("iroc.watch", "GET", "/summaries")
    assert item["state"] == "sent" and item["reports"] == 2
    summary = await api.call("iroc.watch", "GET", f"/summaries/{item['id']}")
    assert summary["paragraphs"][0]["text"].startswith(NOTE.strip())
    report = await api.call("iroc.watch", "GET", f"/reports/{sir['id']}")
    assert report["summary_id"] == item["id"]
