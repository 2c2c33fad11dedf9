"""The statistics workspace (SPEC §7): counts of reports per period, by one dimension,
within what the server lets the user count. A filter bar, a table or a chart, the bucket
switched from the keyboard (b), and a CSV export to a file the user names (e).

Every rule stays on the server: which dimensions and filters exist comes from the shared
contract, what the user may count and whether a day is valid from the answer or the
refusal (shown as the server words it). Disseminations are offered in the group-by picker
only where the server's workspace says the user may count them; while they are chosen the
report filters (which the contract says do not apply to them) are disabled and not sent."""

import asyncio
import os
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import ContentSwitcher, Input, Select, Static

from sen_tui.api import ApiError, StatsFilters
from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.session_bar import SessionBar
from sen_tui.widgets.stats_views import StatsChart, StatsTable
from sen_tui.widgets.text_inputs import TextInput
from shared.enums import Program, ReportType, WorkspaceAction
from shared.periods import Bucket
from shared.schemas import WorkspacePublic
from shared.stats import BUCKET_LABELS, DIMENSION_LABELS, Dimension, StatsPublic, counted

BUCKETS = list(Bucket)
# The filter widgets that narrow reports only (shared.stats.REPORT_FILTERS on the wire).
REPORT_FILTER_WIDGETS = ("#stats-type", "#stats-program", "#stats-office")
PRIVATE_FILE = 0o600  # the export is marked law enforcement sensitive


def write_new_file(path: Path, content: str) -> None:
    """Write ``content`` to a file that must not exist yet, readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
        out.write(content)


class StatisticsScreen(WorkspaceScreen):
    BINDINGS = [
        Binding("b", "next_bucket", "Bucket", id="stats.bucket"),
        Binding("c", "toggle_view", "Chart/table", id="stats.view"),
        Binding("l", "toggle_lines", "Bars/lines", id="stats.lines"),
        Binding("/", "focus_filters", "Filter", id="stats.filter"),
        Binding("e", "export", "Export", id="stats.export"),
        Binding("r", "refresh", "Refresh", id="stats.refresh", show=False),
        Binding("escape", "focus_view", "To the numbers", id="stats.numbers", show=False),
        *WORKSPACE_BINDINGS,
    ]
    AUTO_FOCUS = "#stats-table"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.bucket = Bucket.MONTH
        self.answer: StatsPublic | None = None
        self.lines = False

    @property
    def ready(self) -> bool:
        return self.answer is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with Grid(id="stats-filters"):
            yield Select(
                [(label, d.value) for d, label in DIMENSION_LABELS.items() if self.offers(d)],
                value=Dimension.TYPE.value,
                allow_blank=False,
                id="stats-group-by",
                compact=True,
            )
            yield Select(
                [(t.value, t.value) for t in ReportType],
                prompt="Any type",
                id="stats-type",
                compact=True,
            )
            yield Select(
                [(p.value, p.value) for p in Program],
                prompt="Any programme",
                id="stats-program",
                compact=True,
            )
            yield TextInput(
                placeholder="Office code", id="stats-office", max_length=40, compact=True
            )
            yield TextInput(
                placeholder="From YYYY-MM-DD", id="stats-since", max_length=10, compact=True
            )
            yield TextInput(
                placeholder="To YYYY-MM-DD", id="stats-until", max_length=10, compact=True
            )
        yield Static("", id="stats-heading")
        with ContentSwitcher(initial="stats-table", id="stats-views"):
            yield StatsTable()
            yield StatsChart()
        yield Static("", id="stats-status")
        yield SenFooter()

    def on_mount(self) -> None:
        self.load()

    def offers(self, dimension: Dimension) -> bool:
        if dimension is Dimension.DISSEMINATION:
            return WorkspaceAction.COUNT_DISSEMINATIONS in self.workspace.actions
        return True

    def group_by(self) -> Dimension:
        value = self.query_one("#stats-group-by", Select).value
        return Dimension(value if isinstance(value, str) else Dimension.TYPE.value)

    # ---- loading --------------------------------------------------------------------

    def filters(self) -> StatsFilters:
        def text(selector: str) -> str | None:
            return self.query_one(selector, Input).value.strip() or None

        def chosen(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else None

        group_by = self.group_by()
        if group_by is Dimension.DISSEMINATION:
            return StatsFilters(
                group_by=group_by,
                bucket=self.bucket,
                since=text("#stats-since"),
                until=text("#stats-until"),
            )
        return StatsFilters(
            group_by=group_by,
            bucket=self.bucket,
            since=text("#stats-since"),
            until=text("#stats-until"),
            type=chosen("#stats-type"),
            office=(text("#stats-office") or "").upper() or None,
            program=chosen("#stats-program"),
        )

    @work(exclusive=True, group="stats", exit_on_error=False)
    async def load(self) -> None:
        try:
            answer = await self.session.client.stats(self.filters())
        except ApiError as refused:
            if refused.status_code >= 500 or not refused.field_errors:
                raise
            # A filter the server refused: say which, keep the last answer on screen.
            said = " ".join(e.in_words() for e in refused.field_errors)
            self.query_one("#stats-status", Static).update(said)
            return
        self.answer = answer
        self.show()

    def show(self) -> None:
        answer = self.answer
        if answer is None:
            return
        dimension = DIMENSION_LABELS[answer.group_by]
        bucket = BUCKET_LABELS[answer.bucket].lower()
        self.query_one("#stats-heading", Static).update(
            f"Per {bucket} · {dimension} · {answer.since} to {answer.until} · {answer.scope}"
        )
        self.query_one(StatsTable).show(answer)
        self.query_one(StatsChart).show(answer, lines=self.lines)
        self.query_one("#stats-status", Static).update(
            f"{answer.marking} · {answer.total:,} {counted(answer.group_by)} · b bucket · "
            "e export CSV"
        )
        self.refresh_bindings()

    @on(Input.Submitted, "#stats-filters Input")
    def typed_filter(self) -> None:
        self.load()
        self.action_focus_view()

    @on(Select.Changed, "#stats-filters Select")
    def chose_filter(self) -> None:
        if self.is_mounted:
            self.load()

    @on(Select.Changed, "#stats-group-by")
    def chose_group_by(self) -> None:
        for selector in REPORT_FILTER_WIDGETS:
            self.query_one(selector).disabled = self.group_by() is Dimension.DISSEMINATION

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_lines":
            return self.query_one(ContentSwitcher).current == "stats-chart" or None
        if action == "export":
            return self.answer is not None or None
        return True

    def action_next_bucket(self) -> None:
        self.bucket = BUCKETS[(BUCKETS.index(self.bucket) + 1) % len(BUCKETS)]
        self.notify(f"Counting per {BUCKET_LABELS[self.bucket].lower()}.", timeout=2)
        self.load()

    def action_toggle_view(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "stats-chart" if switcher.current == "stats-table" else "stats-table"
        self.refresh_bindings()

    def action_toggle_lines(self) -> None:
        self.lines = not self.lines
        self.show()

    def action_refresh(self) -> None:
        self.load()

    def action_focus_filters(self) -> None:
        self.query_one("#stats-group-by", Select).focus()

    def action_focus_view(self) -> None:
        self.query_one(StatsTable).focus()

    def action_export(self) -> None:
        self.app.push_screen(
            TextPromptModal(
                "Export statistics as CSV",
                "The file to write (a new file; counts of 1-4 are shown as <5 and left out "
                "of the totals, the marking is in its first line):",
                confirm="Export",
                required=True,
                max_length=4096,
                placeholder="~/sen-statistics.csv",
            ),
            self.export_to,
        )

    def export_to(self, path_text: str | None) -> None:
        if path_text:
            self.export(Path(path_text).expanduser())

    @work(exclusive=True, group="stats-export", exit_on_error=False)
    async def export(self, path: Path) -> None:
        content = await self.session.client.stats_csv(self.filters())
        try:
            await asyncio.to_thread(write_new_file, path, content)  # off the event loop
        except FileExistsError:
            self.notify(f"{path} exists already; name a new file.", severity="warning")
            return
        except OSError as failed:
            self.notify(f"Could not write {path}: {failed.strerror}.", severity="error")
            return
        rows = content.count("\n") - 2  # less the marking and the header
        self.notify(f"Exported {rows} rows to {path}.")
