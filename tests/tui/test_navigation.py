"""Small screen and navigation (issue 10, item 7): at 80x24 the keys and the user's office
stay on screen, dialogs leave nothing stray beside them, the cursor lands where the user
expects after writing, searching or moving around a list, and every list of report rows
carries its marking and explains its marks. Against a real server, as a user sees it."""

from typing import Any

from textual.widgets import DataTable, Input, Tabs

from sen_tui.demo import DemoAccount
from sen_tui.modals.pick_type import PickTypeModal
from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.demo import DemoAccountsScreen
from sen_tui.screens.queues import QueuesScreen
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.search import SearchScreen
from sen_tui.widgets.queue_table import QueueTable
from shared.enums import DEFAULT_MARKING
from tests.support.tui import (
    Api,
    edit_from_queue,
    form_ready,
    log_in_through_ui,
    make_app,
    notified,
    on_screen,
    open_from_queue,
    open_new_form,
    screen_lines,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, sir_body
from tests.tui.form_helpers import choose, fill, focus_field

SIR_IN_PICKER = 2  # an HSI agent writes LEARA, OPPRED, SIR, SPEAR, SPOT


def queue_table(app: Any) -> QueueTable:
    return app.screen.query_one(QueueTable)


async def show_tab(pilot: Any, key: str, holding: str) -> QueueTable:
    """Press a queue's number key; wait until its rows include the report ``holding``."""
    await pilot.press(key)
    table = queue_table(pilot.app)
    await wait_until(pilot, lambda: holding in [i.id for i in table.items], holding)
    return table


async def cursor_to(pilot: Any, table: QueueTable, report_id: str) -> None:
    while table.current_report_id != report_id:
        await pilot.press("down")


def active_tab(app: Any) -> str:
    return app.screen.query_one(Tabs).active or ""


# ---- 80x24: what must stay on screen ------------------------------------------------


async def test_form_at_80_columns_keeps_close_in_the_footer_and_the_office_in_the_header(
    tui_server: Any, api: Api
) -> None:
    draft = await api.draft(
        "agent.nyc", "SIR", "Two at the gate", event_at=EVENT_AT, body=sir_body(1)
    )
    app = make_app(tui_server.url, server_label="demo server 127.0.0.1:43210")  # as sen demo
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await edit_from_queue(pilot, "2", draft["id"])  # My queue, Drafts, ...
        header = screen_lines(app)[1]  # under the marking
        assert f"Editing {draft['id']}" in header
        assert "agent.nyc · agent · RAC-LI" in header
        assert "demo server" in header  # shortened, not dropped
        # In a subject's entry the entry's own keys (add, remove) join the footer too.
        await focus_field(pilot, "body.subjects.0.last_name")
        await wait_until(pilot, lambda: "esc Close" in screen_lines(app)[-1], "esc Close")
        footer = screen_lines(app)[-1]
        assert "^t Submit" in footer and "^s Save draft" in footer


async def test_type_picker_over_a_full_queue_leaves_nothing_beside_its_frame(
    tui_server: Any, api: Api
) -> None:
    first = None
    for n in range(16):
        report = await api.draft("officer.nyc", "SIR", f"Cargo check {n}", event_at=EVENT_AT)
        first = first or report["id"]
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.nyc")
        await show_tab(pilot, "2", first)  # rows under every line of the dialog
        await pilot.press("n")
        await wait_until(pilot, lambda: on_screen(pilot, PickTypeModal), "the type picker")
        await pilot.pause()
        framed = [line.strip() for line in screen_lines(app) if "█" in line]
        assert len(framed) >= 5, framed
        for line in framed:  # the frame and what is inside it, no letter of a row beside it
            assert line[0] == "█" and line[-1] == "█", line


async def test_report_lists_carry_the_marking_top_and_bottom(tui_server: Any, api: Api) -> None:
    await api.draft("fod.lax", "SIR", "Numbered crates", event_at=EVENT_AT)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "fod.lax")
        lines = screen_lines(app)
        assert lines[0].strip() == DEFAULT_MARKING  # above the session bar
        assert lines[-2].strip() == DEFAULT_MARKING  # above the footer
        await pilot.press("/")
        await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "the search screen")
        await type_text(pilot, "crates")
        await pilot.press("enter")
        table = queue_table(app)
        await wait_until(pilot, lambda: table.row_count == 1, "the result")
        lines = screen_lines(app)
        assert lines[0].strip() == DEFAULT_MARKING
        assert lines[-2].strip() == DEFAULT_MARKING


async def test_late_mark_is_explained_in_the_legend(tui_server: Any, api: Api) -> None:
    # Submitted now for an event on EVENT_AT, months ago: the server flags it late.
    late = await api.sent(
        "sup.lax", "SIR", "Late arrest report", event_at=EVENT_AT, body=sir_body()
    )
    assert late["late"]
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sup.lax")
        await show_tab(pilot, "4", late["id"])  # My queue, Review, Drafts, My reports
        await pilot.pause()
        lines = screen_lines(app)
        [row] = [line for line in lines if late["id"] in line]
        assert "submitted*" in row
        status = text_of(app, "#queue-status")
        assert "* late" in status, status


# ---- where the cursor lands ---------------------------------------------------------


async def test_home_and_end_go_to_the_first_and_last_row(tui_server: Any, api: Api) -> None:
    ids = [
        (await api.draft("sdo.nyc", "SIR", f"Ferry manifest {n}", event_at=EVENT_AT))["id"]
        for n in range(5)
    ]
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sdo.nyc")
        table = await show_tab(pilot, "3", ids[0])  # My queue, Review, Drafts
        assert table.cursor_row == 0
        await pilot.press("end")
        await wait_until(pilot, lambda: table.cursor_row == 4, "the last row")
        assert table.current_report_id == ids[0]  # the oldest: newest first
        await pilot.press("home")
        await wait_until(pilot, lambda: table.cursor_row == 0, "the first row")
        assert table.current_report_id == ids[-1]


async def test_home_and_end_work_in_every_list_not_only_the_queues() -> None:
    """The demo's account list is longer than an 80x24 screen: end reaches the last
    account (Textual's own table would only scroll sideways) and enter picks it."""
    accounts = [DemoAccount(f"user{n:02}", "HQ", "agent", "HQ") for n in range(30)]
    app = make_app("http://127.0.0.1:9")
    picked: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DemoAccountsScreen(accounts, "demo-0000-0000"), callback=picked.append)
        await wait_until(pilot, lambda: app.screen.query("#demo-accounts"), "the accounts")
        table = app.screen.query_one("#demo-accounts", DataTable)
        await pilot.press("end")
        await wait_until(pilot, lambda: table.cursor_row == 29, "the last account")
        await pilot.press("home")
        await wait_until(pilot, lambda: table.cursor_row == 0, "the first account")
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: picked == ["user29"], "the last account picked")


async def test_cursor_lands_on_a_new_report_once_it_is_sent(tui_server: Any, api: Api) -> None:
    older = [
        (await api.sent("agent.lax", "SIR", f"Older {n}", event_at=EVENT_AT, body=sir_body()))["id"]
        for n in range(3)
    ]
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.lax")
        table = await show_tab(pilot, "3", older[0])  # My queue, Drafts, My reports
        await cursor_to(pilot, table, older[0])  # the third row
        await open_new_form(pilot, SIR_IN_PICKER)
        await fill(pilot, "title", "Sent from a new form")
        await fill(pilot, "event_at", "2026-03-01 09:30")
        await choose(pilot, "body.category", "seizure")
        await fill(pilot, "body.location.city", "Riverside")
        await fill(pilot, "body.narrative", "Synthetic narrative of the seizure.")
        await fill(pilot, "body.reporting_contact.name", "Synthetic Agent")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
        table = queue_table(app)
        await wait_until(
            pilot,
            lambda: (
                table.current_item is not None
                and table.current_item.title == "Sent from a new form"
            ),
            "the cursor on the report just sent",
        )
        assert active_tab(app) == "queue-reports"


async def test_cursor_follows_a_draft_submitted_from_its_detail(tui_server: Any, api: Api) -> None:
    drafts = [
        (await api.draft("officer.lax", "SIR", f"Draft {n}", event_at=EVENT_AT, body=sir_body()))[
            "id"
        ]
        for n in range(3)
    ]
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.lax")
        await edit_from_queue(pilot, "2", drafts[1])  # My queue, Drafts, ...
        await pilot.press("ctrl+t")
        await wait_until(
            pilot,
            lambda: (
                on_screen(pilot, ReportDetailScreen)
                and app.screen.report is not None
                and app.screen.report.status == "submitted"
            ),
            "the report, submitted",
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
        # No longer a draft: the queue shows it where it is now, the cursor on it.
        table = queue_table(app)
        await wait_until(
            pilot, lambda: table.current_report_id == drafts[1], "the cursor on the report"
        )
        assert active_tab(app) == "queue-reports"


async def test_amend_lands_on_the_report_once_then_escape_on_the_queue(
    tui_server: Any, api: Api
) -> None:
    reports = [
        (await api.sent("sdo.lax", "SIR", f"Sent {n}", event_at=EVENT_AT, body=sir_body()))
        for n in range(3)
    ]
    amended = reports[0]
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sdo.lax")
        await show_tab(pilot, "4", amended["id"])  # My queue, Review, Drafts, My reports
        await open_from_queue(pilot, "4", amended["id"])
        await pilot.press("m")
        await wait_until(pilot, lambda: form_ready(pilot), "the form")
        await fill(pilot, "case_number", "LA-2026-0042")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the reason")
        await type_text(pilot, "Case number added")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                on_screen(pilot, ReportDetailScreen)
                and app.screen.report.version == amended["version"] + 1
            ),
            "the amended report",
        )
        # The report once: the form is gone, nothing else sits between it and the queue.
        assert [type(s).__name__ for s in app.screen_stack[-2:]] == [
            "QueuesScreen",
            "ReportDetailScreen",
        ]
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
        table = queue_table(app)
        await wait_until(
            pilot, lambda: table.current_report_id == amended["id"], "the cursor on it"
        )
        assert table.cursor_row == 0  # amended last: at the top of My reports


async def test_enter_in_search_moves_to_the_results_when_there_are_some(
    tui_server: Any, api: Api
) -> None:
    found = await api.draft("fig.nyc", "SIR", "Platypus smuggling ring", event_at=EVENT_AT)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "fig.nyc")
        await pilot.press("/")
        await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "the search screen")
        query = app.screen.query_one("#search-query", Input)
        await wait_until(pilot, lambda: query.has_focus, "focus in the query")
        await type_text(pilot, "echidna")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.page is not None, "no result")
        assert "No report" in str(app.screen.query_one("#search-summary").render())
        assert query.has_focus  # nothing to move to: try other words at once
        await pilot.press("home", "ctrl+k")
        await type_text(pilot, "platypus")
        await pilot.press("enter")
        table = queue_table(app)
        await wait_until(pilot, lambda: table.has_focus, "focus on the results")
        assert table.current_report_id == found["id"]


# ---- a reviewer's view of a report they returned ------------------------------------


async def test_reviewer_who_returns_a_report_is_told_it_is_no_longer_theirs_to_read(
    tui_server: Any, api: Api
) -> None:
    report = await api.sent(
        "agent.nyc", "SIR", "Returned for a name", review=True, event_at=EVENT_AT, body=sir_body()
    )
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sup.nyc")
        await open_from_queue(pilot, "2", report["id"])  # My queue, Review, ...
        # While it is in review its reviewer reads its versions like its content.
        await pilot.press("v")
        options = app.screen.query_one("#version-list")
        # Sent for review as first written: one version (draft saves make none).
        await wait_until(pilot, lambda: options.option_count == 1, "version 1")
        await pilot.press("c")
        await review_from_keyboard_here(pilot, "Add the arresting officer.")
        # Back in the author's drafts, it is no longer open to the reviewer (SPEC §1): the
        # client says so and goes back to the queue, not to blank tabs.
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
        assert notified(app, f"{report['id']} is no longer open to you.")
        table = queue_table(app)
        await wait_until(pilot, lambda: report["id"] not in [i.id for i in table.items], "gone")


async def review_from_keyboard_here(pilot: Any, comment: str) -> None:
    """On the open report: t (return), a comment, enter."""
    await pilot.press("t")
    await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the return dialog")
    await type_text(pilot, comment)
    await pilot.press("enter")


async def test_routing_of_a_draft_says_it_has_not_been_submitted(tui_server: Any, api: Api) -> None:
    draft = await api.draft("officer.nyc", "SIR", "Not yet sent", event_at=EVENT_AT)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.nyc")
        await open_from_queue(pilot, "2", draft["id"])
        await pilot.press("o")
        await wait_until(
            pilot,
            lambda: (
                "Not routed yet: the report has not been submitted."
                in text_of(app, "#routing-note")
            ),
            "the routing note",
        )
