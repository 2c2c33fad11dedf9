"""An administrator places a legal hold on a report and lifts it again, from the keyboard,
in the screen the administration workspace opens when the server offers holds."""

from typing import Any

from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.admin import AdminScreen
from sen_tui.screens.legal_holds import LegalHoldsScreen
from tests.support.tui import (
    Api,
    log_in_through_ui,
    make_app,
    notified,
    on_screen,
    screen_lines,
    type_text,
    wait_until,
)


async def answer(pilot: Any, text: str) -> None:
    await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the prompt")
    prompt = pilot.app.screen
    await type_text(pilot, text)
    await pilot.press("enter")
    # The next prompt (the reason) opens after this one has closed: waiting for it to close
    # keeps the next answer from being typed into this one on a slow machine.
    await wait_until(pilot, lambda: pilot.app.screen is not prompt, "the prompt answered")


def shows(app: Any, *words: str) -> bool:
    """Some line of the screen holds all of ``words``."""
    return any(all(word in line for word in words) for line in screen_lines(app))


async def test_an_administrator_places_and_lifts_a_legal_hold(tui_server: Any, api: Api) -> None:
    report = await api.draft("agent.nyc", "SIR", "Report under litigation")
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "admin")
        assert on_screen(pilot, AdminScreen)
        await pilot.press("h")
        await wait_until(pilot, lambda: on_screen(pilot, LegalHoldsScreen), "the holds")
        screen = app.screen
        assert isinstance(screen, LegalHoldsScreen)
        await wait_until(pilot, lambda: screen.ready, "the holds loaded")
        await wait_until(pilot, lambda: shows(app, "No legal hold is in force"), "none in force")

        # An ID that is no report: the server's refusal, in its words; nothing held.
        await pilot.press("n")
        await answer(pilot, "SIR-2026-999999")
        await answer(pilot, "Litigation 26-117")
        await wait_until(pilot, lambda: notified(app, "Report"), "the refusal")
        assert screen.holds == []

        await pilot.press("n")
        await answer(pilot, report["id"])
        await answer(pilot, "Litigation 26-117")
        await wait_until(pilot, lambda: bool(screen.holds), "the hold listed")
        # What the user reads, once drawn (the list is set before the table is repainted).
        await wait_until(pilot, lambda: shows(app, report["id"], "in force"), "the hold shown")

        await pilot.press("l")
        await answer(pilot, "Case settled")
        await wait_until(pilot, lambda: screen.holds == [], "the hold lifted")
        await pilot.press("a")  # lifted ones too
        await wait_until(pilot, lambda: bool(screen.holds), "the lifted hold listed")
        await wait_until(pilot, lambda: shows(app, "lifted by admin"), "the lifted hold shown")
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, AdminScreen), "back in administration")

    (hold,) = (await api.call("admin", "GET", "/admin/holds", params={"active": "false"}))["items"]
    assert (hold["report_id"], hold["reason"], hold["lift_reason"]) == (
        report["id"],
        "Litigation 26-117",
        "Case settled",
    )
    assert hold["active"] is False
