"""Writing and reviewing reports from the keyboard, against a real server."""

from typing import Any

from sen_tui.modals.conflict import ConflictModal
from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.queues import QueuesScreen
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.report_form import ReportFormScreen
from sen_tui.widgets.queue_table import QueueTable
from tests.support.tui import (
    Api,
    edit_from_queue,
    log_in_through_ui,
    make_app,
    on_screen,
    open_new_form,
    review_from_keyboard,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, sir_body
from tests.tui.form_helpers import block_at, choose, fill, focus_field


async def test_agent_writes_an_sir_with_two_subjects_and_requests_review(
    tui_server: Any, api: Api
) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await open_new_form(pilot, 2)  # LEARA, OPPRED, SIR, ...
        await fill(pilot, "title", "Seizure at the cargo terminal")
        await fill(pilot, "event_at", "2026-03-01 09:30")
        await choose(pilot, "body.category", "seizure")
        await fill(pilot, "body.location.city", "Jamaica")
        for number, last_name in enumerate(("Alpha", "Bravo")):
            await focus_field(pilot, "body.subjects")
            await pilot.press("ctrl+n")
            await wait_until(
                pilot,
                lambda n=number: (
                    f"body.subjects.{n}.role"
                    in app.screen.query_one("#report-form").blocks_by_path()
                ),
                "a new subject",
            )
            await choose(pilot, f"body.subjects.{number}.role", "suspect")
            await fill(pilot, f"body.subjects.{number}.last_name", last_name)
        await fill(pilot, "body.narrative", "Synthetic narrative of the seizure.")
        await fill(pilot, "body.reporting_contact.name", "Synthetic Agent")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
    page = await api.call("agent.nyc", "GET", "/reports", params={"mine": "true"})
    [row] = [r for r in page["items"] if r["title"] == "Seizure at the cargo terminal"]
    report = await api.call("agent.nyc", "GET", f"/reports/{row['id']}")
    assert report["status"] == "in_review"
    assert [s["last_name"] for s in report["body"]["subjects"]] == ["Alpha", "Bravo"]
    assert report["event_at"].startswith("2026-03-01T09:30")


async def test_supervisor_approves_from_the_keyboard(tui_server: Any, api: Api) -> None:
    draft = await api.sent(
        "agent.nyc",
        "SIR",
        "Arrest awaiting review",
        review=True,
        event_at=EVENT_AT,
        body=sir_body(1),
    )
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sup.nyc")
        await review_from_keyboard(pilot, draft["id"], "p", "Approved.")
        await wait_until(
            pilot,
            lambda: (
                on_screen(pilot, ReportDetailScreen) and app.screen.report.status == "submitted"
            ),
            "the report submitted",
        )
    report = await api.call("agent.nyc", "GET", f"/reports/{draft['id']}")
    assert report["status"] == "submitted"


async def test_server_field_error_is_shown_at_the_field(tui_server: Any, api: Api) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.lax")
        await open_new_form(pilot, 2)
        await fill(pilot, "title", "Arrest with a malformed A-number")
        await focus_field(pilot, "body.subjects")
        await pilot.press("ctrl+n")
        await fill(pilot, "body.subjects.0.a_number", "B1234")
        await pilot.press("ctrl+s")  # no client check first: the server's answer is shown
        block = block_at(app, "body.subjects.0.a_number")
        await wait_until(pilot, lambda: block.error_text, "the error at the field")
        assert block.error_text == "must be A followed by 8 or 9 digits"
        assert block.query_one(".field-error").display
        assert app.screen.report is None  # nothing was saved
    page = await api.call("agent.lax", "GET", "/reports", params={"mine": "true"})
    assert page["items"] == []


async def test_version_conflict_keeps_the_users_input(tui_server: Any, api: Api) -> None:
    draft = await api.draft(
        "officer.nyc", "SIR", "Escape attempt", event_at=EVENT_AT, body=sir_body()
    )
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.nyc")
        await edit_from_queue(pilot, "2", draft["id"])  # My queue, Drafts, ...
        await focus_field(pilot, "title")
        await pilot.press("end")
        await type_text(pilot, " (edited in the TUI)")
        # Meanwhile the same author changes the report from another session.
        await api.call(
            "officer.nyc",
            "PATCH",
            f"/reports/{draft['id']}",
            json={"base_revision": 1, "case_number": "CASE-OTHER-SESSION"},
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, ConflictModal), "the conflict dialog")
        paths = [c.field for c in app.screen.changes]
        assert "title" in paths and "case_number" in paths
        await pilot.press("escape")  # decide later: nothing saved, nothing lost
        await wait_until(pilot, lambda: on_screen(pilot, ReportFormScreen), "the form again")
        title = block_at(app, "title")
        assert title.value() == "Escape attempt (edited in the TUI)"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, ConflictModal), "the dialog again")
        await pilot.press("k")  # keep mine
        await wait_until(
            pilot,
            lambda: on_screen(pilot, ReportFormScreen) and app.screen.report.revision == 3,
            "saved over revision 2",
        )
    report = await api.call("officer.nyc", "GET", f"/reports/{draft['id']}")
    assert report["title"] == "Escape attempt (edited in the TUI)"
    assert (report["version"], report["revision"]) == (1, 3)  # a draft's saves make no version


async def test_author_amends_a_submitted_report_with_a_reason(tui_server: Any, api: Api) -> None:
    submitted = await api.sent(
        "officer.lax", "SIR", "Detainee injury at intake", event_at=EVENT_AT, body=sir_body()
    )
    draft = submitted
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.lax")
        await pilot.press("3")  # My queue, Drafts, My reports
        table = app.screen.query_one(QueueTable)
        await wait_until(pilot, lambda: table.current_report_id == draft["id"], "the report")
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_screen(pilot, ReportDetailScreen), "the report")
        await wait_until(pilot, lambda: app.screen.report is not None, "the report loaded")
        await pilot.press("m")
        await wait_until(pilot, lambda: on_screen(pilot, ReportFormScreen), "the form")
        await fill(pilot, "case_number", "LA-2026-0007")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the reason")
        await type_text(pilot, "Added the case number")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                on_screen(pilot, ReportDetailScreen)
                and app.screen.report.version == submitted["version"] + 1
            ),
            "the amended report",
        )
    versions = await api.call("officer.lax", "GET", f"/reports/{draft['id']}/versions")
    assert versions[-1]["reason"] == "Added the case number"
    report = await api.call("officer.lax", "GET", f"/reports/{draft['id']}")
    assert report["case_number"] == "LA-2026-0007" and report["status"] == "submitted"


async def test_a_draft_is_saved_periodically_without_asking(tui_server: Any, api: Api) -> None:
    app = make_app(tui_server.url, autosave_seconds=5)  # the shortest the settings allow
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sup.lax")
        await open_new_form(pilot, 2)  # LEARA, OPPRED, SIR, ...
        await fill(pilot, "title", "Typed, never saved by hand")
        await wait_until(pilot, lambda: app.screen.report is not None, "the periodic save")
        status = str(app.screen.query_one("#form-status").content)
        assert status.startswith(f"Saved {app.screen.report.id} version 1 at ")
        await fill(pilot, "body.narrative", "More words after the first save.")
        await wait_until(pilot, lambda: app.screen.report.revision == 2, "the next save")
        assert app.screen.report.version == 1  # the working version, rewritten
    page = await api.call("sup.lax", "GET", "/reports", params={"mine": "true"})
    [row] = page["items"]
    report = await api.call("sup.lax", "GET", f"/reports/{row['id']}")
    assert report["title"] == "Typed, never saved by hand"
    assert report["body"]["narrative"] == "More words after the first save."
