"""The statistics workspace's table and chart at 80x24 and 120x36, against a real server
holding fixed data (tests/tui/stats_data.py: SIRs written with a frozen clock on both sides
of the fiscal year's turn). The range is typed in, so the picture does not depend on
today's date; each snapshot waits for the answer it shows.

Update with `pytest tests/tui/test_snapshots_stats.py --snapshot-update` after looking at
the report.
"""

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from sen_tui.screens.statistics import StatisticsScreen
from tests.support.servers import ServerProcess
from tests.support.tui import log_in_through_ui, make_app, screen_busy, type_text, wait_until
from tests.tui.stats_data import SINCE, UNTIL, stats_server
from tests.tui.test_snapshots import SIZES, snap

__all__ = ["stats_server"]  # the module's server fixture

pytestmark = pytest.mark.parametrize("size", list(SIZES))


async def by_category_over_the_fiscal_turn(pilot: Pilot[Any]) -> StatisticsScreen:
    """Signed in as the statistician, counting by SIR category, September-October 2026."""
    await log_in_through_ui(pilot, "stats")
    screen = pilot.app.screen
    assert isinstance(screen, StatisticsScreen)
    await pilot.press("slash", "enter", "down", "enter")
    await wait_until(pilot, lambda: screen.answer.group_by == "category", "by category")
    screen.query_one("#stats-since", Input).focus()
    await type_text(pilot, SINCE)
    await pilot.press("tab")
    await type_text(pilot, UNTIL)
    await pilot.press("enter")
    await wait_until(pilot, lambda: str(screen.answer.since) == SINCE, "the range")
    await wait_until(pilot, lambda: not screen_busy(pilot), "nothing in flight")
    return screen


def test_statistics_table(snap_compare: Any, stats_server: ServerProcess, size: str) -> None:
    app = make_app(stats_server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        await by_category_over_the_fiscal_turn(pilot)

    snap(snap_compare, app, size, steps)


def test_statistics_chart(snap_compare: Any, stats_server: ServerProcess, size: str) -> None:
    app = make_app(stats_server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        screen = await by_category_over_the_fiscal_turn(pilot)
        await pilot.press("b")  # fiscal years: FY2026 and FY2027
        await wait_until(pilot, lambda: screen.answer.bucket == "fiscal_year", "fiscal years")
        await wait_until(pilot, lambda: not screen_busy(pilot), "nothing in flight")
        await pilot.press("c")
        await wait_until(
            pilot, lambda: screen.query_one("#stats-views").current == "stats-chart", "chart"
        )

    snap(snap_compare, app, size, steps)
