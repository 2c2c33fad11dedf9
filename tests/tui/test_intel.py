"""The intelligence workspace from the keyboard (issue 12): an analyst triages a lead,
writes a product from it and puts one field back with a justification; a second analyst
authorizes it and disseminates it to an agency; the accounting then holds the disclosure."""

from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from sen_tui.modals.disseminate import DisseminateModal
from sen_tui.modals.prompt import ConfirmModal, TextPromptModal
from sen_tui.screens.intel import IntelScreen
from sen_tui.screens.intel_product import ProductScreen
from tests.support.factories import complete_body
from tests.support.intel import JUSTIFICATION
from tests.support.tui import (
    Api,
    in_workspace,
    log_in_through_ui,
    make_app,
    notified,
    on_screen,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT


async def open_intel(pilot: Pilot[Any]) -> IntelScreen:
    pilot.app.switch_workspace("intel")
    await wait_until(
        pilot, lambda: in_workspace(pilot) and on_screen(pilot, IntelScreen), "intelligence"
    )
    screen = pilot.app.screen
    assert isinstance(screen, IntelScreen)
    return screen


async def answer_prompt(pilot: Pilot[Any], text: str) -> None:
    await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the prompt")
    await type_text(pilot, text)
    await pilot.press("enter")


async def test_triage_write_authorize_disseminate(tui_server: Any, api: Api) -> None:
    body = complete_body("ERO_LEAD", seed=11, now=datetime(2026, 3, 1, 12, tzinfo=UTC))
    lead = await api.sent(
        "officer.nyc", "ERO_LEAD", "Lead for the pilot", event_at=EVENT_AT, body=body
    )

    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "intel.ops1")
        screen = await open_intel(pilot)
        table = screen.query_one("#intel-leads-table", DataTable)
        await wait_until(pilot, lambda: screen.current_lead() is not None, "a lead")
        while screen.current_lead().report_id != lead["id"]:  # type: ignore[union-attr]
            await pilot.press("down")
        for key, state in (("v", "reviewed"), ("f", "flagged_for_hsi")):
            await pilot.press(key)
            await answer_prompt(pilot, "seen")
            await wait_until(
                pilot,
                lambda s=state: screen.current_lead().triage_state == s,  # type: ignore[union-attr]
                state,
            )
        assert table.row_count >= 1

        await pilot.press("c")
        await answer_prompt(pilot, "Crossing pattern")
        await wait_until(pilot, lambda: on_screen(pilot, ProductScreen), "the product editor")
        editor = app.screen
        assert isinstance(editor, ProductScreen)
        removed = editor.query_one("#product-removed", DataTable)
        assert removed.row_count == len(editor.product.removed) > 0
        await pilot.press("b")
        await answer_prompt(pilot, JUSTIFICATION)
        await wait_until(pilot, lambda: len(editor.product.put_backs) == 1, "a put-back")
        assert JUSTIFICATION in str(editor.query_one("#product-put-backs").render())
        await pilot.press("a")  # not offered to its author: nothing happens
        await pilot.pause()
        assert not on_screen(pilot, ConfirmModal)
        product_id = editor.product.id
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, IntelScreen), "back")

    second = make_app(tui_server.url)
    async with second.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "intel.ops2")
        screen = await open_intel(pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: screen.current_product() is not None, "products")
        while screen.current_product().id != product_id:  # type: ignore[union-attr]
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_screen(pilot, ProductScreen), "the product")
        editor = second.screen
        assert isinstance(editor, ProductScreen)
        await pilot.press("a")
        await wait_until(pilot, lambda: on_screen(pilot, ConfirmModal), "authorize?")
        await pilot.press("y")
        await wait_until(pilot, lambda: editor.product.status == "authorized", "authorized")
        assert editor.product.authorized_by == "intel.ops2"

        await pilot.press("d")
        await wait_until(pilot, lambda: on_screen(pilot, DisseminateModal), "the dialog")
        dialog = second.screen
        agencies = dialog.query_one("#disseminate-agency", Select)
        await pilot.press("enter", "down", "enter")  # the first agency
        await wait_until(pilot, lambda: isinstance(agencies.value, int), "an agency")
        await pilot.press("tab")
        await type_text(pilot, "Joint case on the crossing")
        await pilot.press("enter")
        await wait_until(pilot, lambda: notified(second, "accounted for"), "disseminated")

    found = await api.call("isso", "GET", "/disclosures", params={"report_id": lead["id"]})
    assert [(d["product_id"], d["channel"], d["recorded_by"]) for d in found] == [
        (product_id, "file", "intel.ops2")
    ]
