"""Typing is never lost or misplaced (issue 10 item 2): keys typed in one burst, Tab
included, land in the field that Tab moved to, however fast they come. The keys are put on
the app's queue all at once, as a terminal delivers a fast typist's (or a paste's) input,
with no pause for the app to catch up in between."""

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from sen_tui.widgets.report_form import ReportForm
from tests.support.tui import log_in_through_ui, make_app, open_new_form, wait_until
from tests.tui.form_helpers import block_at, focus_field


def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Every key onto the app's queue at once: nothing runs between them."""
    app = pilot.app
    for key in keys:
        name = "space" if key == " " else key
        character = key if len(key) == 1 else ("\t" if key == "tab" else None)
        app.post_message(events.Key(name, character))


def value_at(app: Any, path: str) -> str:
    return str(block_at(app, path).query_one(Input).value)


async def test_a_burst_across_tab_lands_in_each_field(tui_server: Any) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await open_new_form(pilot, 2)  # SIR
        form = app.screen.query_one(ReportForm)
        await focus_field(pilot, "body.location.facility")
        burst(pilot, *"JFK Cargo Building 77", "tab", *"Jamaica", "tab", *"NY", "tab", *"USA")
        country = "body.location.country"
        await wait_until(pilot, lambda: value_at(app, country) == "USA", "USA")
        assert value_at(app, "body.location.facility") == "JFK Cargo Building 77"
        assert value_at(app, "body.location.city") == "Jamaica"
        assert value_at(app, "body.location.state") == "NY"
        assert form is app.screen.query_one(ReportForm)


async def test_a_burst_through_a_person_lands_in_every_kind_of_field(tui_server: Any) -> None:
    """Text, date, whole number, choice and back to text, typed without a pause."""
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")
        await open_new_form(pilot, 2)  # SIR
        await focus_field(pilot, "body.subjects")
        await pilot.press("ctrl+n")
        person = "body.subjects.0"
        await focus_field(pilot, f"{person}.first_name")
        burst(pilot, *"Ana", "tab", *"Lopez", "tab", *"1980-02-03", "tab", *"46", "tab", "tab")
        burst(pilot, *"Colombia")  # past the Sex choice, into Country of birth
        country = f"{person}.country_of_birth"
        await wait_until(pilot, lambda: value_at(app, country) == "Colombia", "Colombia")
        typed = {p: value_at(app, f"{person}.{p}") for p in ("first_name", "last_name", "age")}
        assert typed == {"first_name": "Ana", "last_name": "Lopez", "age": "46"}
        assert value_at(app, f"{person}.date_of_birth") == "1980-02-03"
