"""After writing: a returned report, hand-picked recipients, a LEARA disposition and closing,
all from the keyboard against a real server."""

from typing import Any

from textual.widgets import OptionList, Select

from sen_tui.modals.disposition import DispositionModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.modals.recipients import RecipientsModal
from sen_tui.screens.report_detail import ReportDetailScreen
from tests.support.tui import (
    Api,
    edit_from_queue,
    form_ready,
    log_in_through_ui,
    make_app,
    notified,
    on_screen,
    open_from_queue,
    review_from_keyboard,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, leara_body, sir_body
from tests.tui.form_helpers import block_at

COMMENT = "Add the arresting officer's contact details."


async def test_a_returned_report_shows_the_reviewers_comment(tui_server: Any, api: Api) -> None:
    draft = await api.sent(
        "agent.nyc",
        "SIR",
        "Arrest to be completed",
        review=True,
        event_at=EVENT_AT,
        body=sir_body(1),
    )
    supervisor = make_app(tui_server.url)
    async with supervisor.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sup.nyc")
        await review_from_keyboard(pilot, draft["id"], "t", COMMENT)
        await wait_until(pilot, lambda: notified(supervisor, "Returned to the author."), "done")
    returned = await api.call("agent.nyc", "GET", f"/reports/{draft['id']}")
    assert (returned["status"], returned["review_comment"]) == ("returned", COMMENT)

    author = make_app(tui_server.url)
    async with author.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await open_from_queue(pilot, "2", draft["id"])  # My queue, Drafts, ...
        envelope = text_of(author, "#report-envelope")
        assert "Reviewer's comment" in envelope and COMMENT in envelope
        await pilot.press("e")
        await wait_until(pilot, lambda: form_ready(pilot), "the form")
        assert f"Returned by the reviewer: {COMMENT}" in text_of(author, "#review-comment")


async def pick(pilot: Any, query: str, option_id: str) -> None:
    """In the recipients picker: search, go down to the line, tick it with enter."""
    modal = pilot.app.screen
    search = modal.query_one("#recipient-query")
    search.focus()
    await pilot.press("end", *["backspace"] * len(search.value))
    await type_text(pilot, query)
    options = modal.query_one(OptionList)

    def listed() -> bool:
        return any(
            options.get_option_at_index(i).id == option_id for i in range(options.option_count)
        )

    await wait_until(pilot, listed, f"{option_id} listed")
    await pilot.press("down")
    await wait_until(pilot, lambda: options.has_focus, "the list")
    while options.get_option_at_index(options.highlighted or 0).id != option_id:
        await pilot.press("down")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "[x]" in str(options.get_option(option_id).prompt), "ticked")


async def test_recipients_are_picked_by_name_and_refusals_shown_at_the_field(
    tui_server: Any, api: Api
) -> None:
    draft = await api.draft(
        "agent.lax", "SIR", "Seizure for the intel group", event_at=EVENT_AT, body=sir_body()
    )
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.lax")
        await edit_from_queue(pilot, "2", draft["id"])
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: on_screen(pilot, RecipientsModal), "the picker")
        await type_text(pilot, "FIG-LAX")
        await pilot.press("enter")  # the first match is ticked
        chosen = "#recipient-chosen"
        await wait_until(pilot, lambda: "office FIG-LAX" in text_of(app, chosen), "ticked")
        await pick(pilot, "HQ Agent", "user:hq.hsi")
        await pick(pilot, "statis", "user:stats")  # content-blind: the server refuses
        assert "office FIG-LAX, hq.hsi, stats" in text_of(app, "#recipient-chosen")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_ready(pilot), "the form again")
        block = block_at(app, "recipients")
        assert "office FIG-LAX, hq.hsi, stats" in text_of(app, "#recipients-chosen")

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: block.error_text, "the refusal at the field")
        assert block.error_text == "stats may not receive SIR reports"
        report = await api.call("agent.lax", "GET", f"/reports/{draft['id']}")
        assert report["revision"] == 1  # refused: nothing changed

        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: on_screen(pilot, RecipientsModal), "the picker")
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count > 0, "the ticked lines")
        options.focus()
        while options.get_option_at_index(options.highlighted or 0).id != "user:stats":
            await pilot.press("down")
        await pilot.press("enter")  # untick
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_ready(pilot), "the form again")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.report.revision == 2, "saved")
        assert not block.error_text
    report = await api.call("agent.lax", "GET", f"/reports/{draft['id']}")
    assert report["recipients"] == {"users": ["hq.hsi"], "offices": ["FIG-LAX"]}


async def test_leara_disposition_keeps_input_on_a_conflict_then_the_report_is_closed(
    tui_server: Any, api: Api
) -> None:
    submitted = await api.sent(
        "officer.nyc", "LEARA", "K-9 unit for the sheriff", event_at=EVENT_AT, body=leara_body()
    )
    draft = submitted
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "officer.nyc")
        await open_from_queue(pilot, "3", draft["id"])  # My queue, Drafts, My reports
        await pilot.press("s")
        await wait_until(pilot, lambda: on_screen(pilot, DispositionModal), "the dialog")
        modal = app.screen
        rows = modal.rows
        select = rows["disposition_status"].query_one(Select)
        await wait_until(pilot, lambda: select.has_focus, "the status select")
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.expanded, "the menu")
        await type_text(pilot, "assistance provided")
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.value == "assistance_provided", "chosen")
        rows["disposition_narrative"].focus_editor()
        await type_text(pilot, "Synthetic K-9 team sent.")
        # Meanwhile a colleague records another disposition from another session.
        await api.call(
            "officer.nyc",
            "POST",
            f"/reports/{draft['id']}/disposition",
            json={"base_revision": submitted["revision"], "disposition_status": "forwarded"},
        )
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "changed on the server" in text_of(app, "#disposition-status"), "409"
        )
        assert select.value == "assistance_provided"  # the input is kept
        assert rows["disposition_narrative"].value() == "Synthetic K-9 team sent."
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, ReportDetailScreen), "the report")
        # Submitted as version 1; each disposition is an amendment, a version of its own.
        await wait_until(pilot, lambda: app.screen.report.version == 3, "recorded")
        assert "Synthetic K-9 team sent." in text_of(app, "#report-body")

        await pilot.press("k")
        await wait_until(pilot, lambda: on_screen(pilot, ConfirmModal), "the close question")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: on_screen(pilot, ReportDetailScreen) and app.screen.report.status == "closed",
            "closed",
        )
    versions = await api.call("officer.nyc", "GET", f"/reports/{draft['id']}/versions")
    assert [v["reason"] for v in versions] == [
        None,
        "disposition: forwarded",
        "disposition: assistance_provided",
    ]
    assert versions[-1]["status"] == "closed"  # closing changed no content: no new version
