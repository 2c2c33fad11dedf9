"""Forms that respect the user (issue 10 item 3): an untouched form closes without asking
and leaves no empty draft behind; a touched one asks, with the safe answer focused, and the
arrow keys move between the answers."""

from typing import Any

from textual.widgets import Button

from sen_tui.modals.choice import ChoiceModal
from sen_tui.screens.queues import QueuesScreen
from tests.support.tui import (
    Api,
    form_ready,
    log_in_through_ui,
    make_app,
    on_screen,
    open_new_form,
    type_text,
    wait_until,
)
from tests.tui.form_helpers import focus_field


async def _drafts(api: Api, user: str) -> list[str]:
    page = await api.call(user, "GET", "/reports", params={"mine": "true", "limit": "200"})
    return [r["id"] for r in page["items"] if r["status"] == "draft"]


async def test_an_untouched_form_closes_without_asking_or_saving(tui_server: Any, api: Api) -> None:
    user = "agent.lax"
    before = await _drafts(api, user)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, user)
        await open_new_form(pilot, 2)
        await wait_until(pilot, lambda: app.focused is not None, "focus in the form")
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
    assert await _drafts(api, user) == before, "an untouched form left a draft"


async def test_leaving_a_touched_form_asks_with_the_safe_answer_focused(
    tui_server: Any, api: Api
) -> None:
    user = "agent.lax"
    before = await _drafts(api, user)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, user)
        await open_new_form(pilot, 2)
        await focus_field(pilot, "title")
        await type_text(pilot, "Half-written")
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, ChoiceModal), "the question")
        focused = app.focused
        assert isinstance(focused, Button) and focused.id == "keep"
        await pilot.press("right")
        assert isinstance(app.focused, Button) and app.focused.id == "discard"
        await pilot.press("left")
        assert isinstance(app.focused, Button) and app.focused.id == "keep"
        await pilot.press("enter")  # the focused, safe answer: back to the form, text intact
        await wait_until(pilot, lambda: form_ready(pilot), "the form again")
    assert await _drafts(api, user) == before
