"""The statistics workspace, as a statistician uses it against a real server: it opens on
the counts, a filter narrows them (group by SIR category, a range of days), the bucket
switches to fiscal years from the keyboard (30 September and 1 October fall in FY2026 and
FY2027), the chart shows, and the CSV export lands in the file the user names, marked,
suppressed and readable by its owner only."""

import csv
import io
import stat
from pathlib import Path
from typing import Any

from textual.widgets import Input, Select

from sen_tui.screens.statistics import StatisticsScreen
from sen_tui.widgets.stats_views import StatsTable
from tests.support.servers import ServerProcess
from tests.support.tui import (
    log_in_through_ui,
    make_app,
    notified,
    switch_workspace,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.stats_data import SINCE, UNTIL, stats_server

__all__ = ["stats_server"]  # the module's server fixture


def table_rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one(StatsTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_a_statistician_filters_switches_to_fiscal_years_and_exports(
    stats_server: ServerProcess, tmp_path: Path
) -> None:
    app = make_app(stats_server.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in_through_ui(pilot, "stats")
        screen = app.screen
        assert isinstance(screen, StatisticsScreen)
        assert screen.answer is not None and screen.answer.group_by == "type"

        # Filter: count by SIR category, over September and October 2026.
        await pilot.press("slash")
        assert app.focused is screen.query_one("#stats-group-by", Select)
        await pilot.press("enter", "down", "enter")  # the second dimension: SIR category
        await wait_until(pilot, lambda: screen.answer.group_by == "category", "by category")
        screen.query_one("#stats-since", Input).focus()
        await type_text(pilot, SINCE)
        await pilot.press("tab")
        await type_text(pilot, UNTIL)
        await pilot.press("enter")
        await wait_until(pilot, lambda: str(screen.answer.since) == SINCE, "the range")
        assert table_rows(app)[0] == ["2026-09", "2", "6", "0", "8"]
        assert table_rows(app)[1] == ["2026-10", "3", "0", "1", "4"]

        # The bucket from the keyboard: month -> fiscal year.
        await pilot.press("b")
        await wait_until(pilot, lambda: screen.answer.bucket == "fiscal_year", "fiscal years")
        assert [r[0] for r in table_rows(app)] == ["FY2026", "FY2027", "Total"]
        assert table_rows(app)[0][1:] == ["2", "6", "0", "8"]  # arrest, seizure, use of force
        assert table_rows(app)[1][1:] == ["3", "0", "1", "4"]

        # The chart, then back to the table.
        await pilot.press("c")
        assert screen.query_one("#stats-views").current == "stats-chart"
        await pilot.press("c")

        # Export to a file the user names.
        target = tmp_path / "fy.csv"
        await pilot.press("e")
        await wait_until(pilot, lambda: app.screen.query_one("#prompt-input").has_focus, "ask")
        await type_text(pilot, str(target))
        await pilot.press("enter")
        await wait_until(pilot, lambda: notified(app, "Exported"), "the export")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# LAW ENFORCEMENT SENSITIVE")
        rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
        assert rows[0] == [
            "Fiscal year",
            "From",
            "To",
            "arrest",
            "seizure",
            "use_of_force",
            "Total",
        ]
        # Suppressed as exported: 2, 3 and 1 show as <5 and add to no total.
        assert rows[1] == ["FY2026", SINCE, "2026-09-30", "<5", "6", "0", "6"]
        assert rows[2] == ["FY2027", "2026-10-01", UNTIL, "<5", "0", "<5", "0"]
        assert rows[3] == ["Total", SINCE, UNTIL, "0", "6", "0", "6"]


async def test_a_statistician_counts_disseminations_and_a_manager_is_not_offered_them(
    stats_server: ServerProcess,
) -> None:
    app = make_app(stats_server.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in_through_ui(pilot, "stats")
        screen = app.screen
        assert isinstance(screen, StatisticsScreen)
        await wait_until(pilot, lambda: screen.answer is not None, "the first counts")

        await pilot.press("slash", "enter", "end", "enter")  # the last dimension offered
        await wait_until(
            pilot, lambda: screen.answer.group_by == "dissemination", "by dissemination"
        )
        assert screen.query_one("#stats-type", Select).disabled  # report filters do not apply
        screen.query_one("#stats-since", Input).focus()
        await type_text(pilot, SINCE)
        await pilot.press("tab")
        await type_text(pilot, UNTIL)
        await pilot.press("enter")
        await wait_until(pilot, lambda: str(screen.answer.since) == SINCE, "the range")
        assert table_rows(app)[:2] == [["2026-09", "1", "2", "3"], ["2026-10", "0", "1", "1"]]
        assert "4 disseminations" in text_of(app, "#stats-status")

        # Back to report types: the report filters come back, and so do the reports.
        await pilot.press("slash", "enter", "home", "enter")
        await wait_until(pilot, lambda: screen.answer.group_by == "type", "by type")
        assert not screen.query_one("#stats-type", Select).disabled
        assert screen.answer.total == 12

    manager = make_app(stats_server.url)
    async with manager.run_test(size=(100, 30)) as pilot:
        await log_in_through_ui(pilot, "sac.nyc")
        if not isinstance(manager.screen, StatisticsScreen):  # a manager lands on the reports
            await switch_workspace(pilot, "statistics")
        await wait_until(pilot, lambda: isinstance(manager.screen, StatisticsScreen), "stats")
        screen = manager.screen
        assert isinstance(screen, StatisticsScreen)
        offered = [value for _, value in screen.query_one("#stats-group-by", Select)._options]
        assert "category" in offered and "dissemination" not in offered
