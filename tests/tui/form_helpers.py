"""Driving the report form from the keyboard, as a user would."""

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select

from sen_tui.widgets.form_fields import FormBlock
from sen_tui.widgets.report_form import ReportForm
from tests.support.tui import type_text, wait_until


def block_at(app: Any, path: str) -> FormBlock:
    return app.screen.query_one(ReportForm).blocks_by_path()[path]


async def focus_field(pilot: Pilot[Any], path: str) -> None:
    """Put the cursor in a field (as tab would, without counting tabs)."""
    await wait_until(
        pilot,
        lambda: path in pilot.app.screen.query_one(ReportForm).blocks_by_path(),
        f"field {path}",
    )
    block = block_at(pilot.app, path)
    block.focus_editor()
    await wait_until(pilot, lambda: block.has_focus_within, f"focus in {path}")


async def fill(pilot: Pilot[Any], path: str, text: str) -> None:
    await focus_field(pilot, path)
    await type_text(pilot, text)


async def choose(pilot: Pilot[Any], path: str, value: str) -> None:
    """Open a Select with enter, type to find the option, confirm with enter."""
    await focus_field(pilot, path)
    select = block_at(pilot.app, path).query_one(Select)
    await pilot.press("enter")
    await wait_until(pilot, lambda: select.expanded, f"the {path} menu")
    await type_text(pilot, value.replace("_", " "))  # options read as words
    await pilot.press("enter")
    await wait_until(pilot, lambda: select.value == value, f"{path} = {value}")
