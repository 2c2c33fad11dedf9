"""A new report opens with what the server starts it with (issue 10 item 3): the author's
and supervisor's contacts from their profiles; a SPOT's incident time now and its
authorizing office picked from the server's office list."""

from datetime import UTC, datetime, timedelta
from typing import Any

from textual.widgets import Select

from sen_tui.screens.queues import QueuesScreen
from sen_tui.widgets.form_values import parse_datetime
from tests.support.tui import Api, log_in_through_ui, make_app, on_screen, open_new_form, wait_until
from tests.tui.form_helpers import block_at


async def _display_name(api: Api, username: str) -> str:
    users = await api.call(username, "GET", "/users", params={"q": username})
    return str(next(u["display_name"] for u in users if u["username"] == username))


async def test_a_new_sir_shows_the_agents_and_supervisors_names(tui_server: Any, api: Api) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await open_new_form(pilot, 2)  # LEARA, OPPRED, SIR, ...
        await wait_until(pilot, lambda: app.focused is not None, "focus in the form")
        assert block_at(app, "body.reporting_contact.name").value() == await _display_name(
            api, "agent.nyc"
        )
        assert block_at(app, "body.supervisor_contact.name").value() == await _display_name(
            api, "sup.nyc"
        )
        assert block_at(app, "body.reporting_contact.email").value() == "agent.nyc@sen.example"
        # Prefilled is not typed: the untouched form still closes without asking.
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queue")
    page = await api.call("agent.nyc", "GET", "/reports", params={"mine": "true"})
    assert page["items"] == []


async def test_a_new_spot_has_its_time_and_offers_the_offices(tui_server: Any, api: Api) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.lax")
        await open_new_form(pilot, 4)  # LEARA, OPPRED, SIR, SPEAR, SPOT
        await wait_until(pilot, lambda: app.focused is not None, "focus in the form")
        typed = block_at(app, "event_at").value()
        moment = parse_datetime(typed or "")
        assert moment is not None, typed
        assert abs(moment - datetime.now(UTC)) < timedelta(minutes=5)  # the server's now
        picker = block_at(app, "body.authorizing_office").query_one(Select)
        offered = await api.call("agent.lax", "GET", "/offices")
        codes = [o["code"] for o in offered]
        await wait_until(
            pilot,
            lambda: [value for _, value in picker._options if value is not Select.NULL] == codes,
            "the office list in the picker",
        )
        assert picker.is_blank()  # offered, not chosen for the author
