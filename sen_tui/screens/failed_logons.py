"""The failed-logon report of the audit workspace (SPEC §9): failures per account and per
source address over a chosen window, as the server counts them. A username no account has
comes as the server's keyed digest ("unknown:…"), never as typed."""

from datetime import timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Select, Static

from sen_tui.formatting import short_when
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable
from sen_tui.widgets.session_bar import SessionBar
from shared.audit_review import FailedLogonReport

WINDOWS = [
    ("Last hour", timedelta(hours=1)),
    ("Last 24 hours", timedelta(hours=24)),
    ("Last 7 days", timedelta(days=7)),
    ("Last 30 days", timedelta(days=30)),
]


class FailedLogonsScreen(SenScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="failed_logons.back"),
        Binding("t", "focus_window", "Window", id="failed_logons.window"),
        Binding("r", "refresh", "Refresh", id="failed_logons.refresh"),
    ]
    AUTO_FOCUS = "#failed-by-user"
    # Side by side where both tables fit whole; one above the other below 120 columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, session: Session) -> None:
        super().__init__(id="failed-logons")
        self.session = session
        self.report: FailedLogonReport | None = None

    @property
    def ready(self) -> bool:
        return self.report is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title="Failed logons")
        with Horizontal(id="failed-window-row"):
            yield Label("Window ", id="failed-window-label")
            yield Select(
                WINDOWS, value=WINDOWS[1][1], allow_blank=False, id="failed-window", compact=True
            )
        yield Static("", id="failed-summary")
        with Horizontal(id="failed-tables"):
            with Vertical():
                yield Label("By account", classes="failed-heading")
                by_user: RowTable[Text] = RowTable(id="failed-by-user")
                by_user.add_columns("Account", "Fails", "Locks", "Last")
                yield by_user
            with Vertical():
                yield Label("By source address", classes="failed-heading")
                by_source: RowTable[Text] = RowTable(id="failed-by-source")
                by_source.add_columns("Source", "Fails", "Accts", "Last")
                yield by_source
        yield SenFooter()

    def on_mount(self) -> None:
        self.load()

    def window(self) -> timedelta:
        value = self.query_one("#failed-window", Select).value
        return value if isinstance(value, timedelta) else WINDOWS[1][1]

    @work(exclusive=True, group="failed-logons", exit_on_error=False)
    async def load(self) -> None:
        since = self.session.now() - self.window()
        report = await self.session.client.failed_logons(since)
        self.report = report
        self.show(report)

    def show(self, report: FailedLogonReport) -> None:
        by_user = self.query_one("#failed-by-user", DataTable)
        by_user.clear()
        for user in report.by_user:
            by_user.add_row(
                Text(user.user, style="" if user.known else "italic"),
                Text(str(user.failures), justify="right"),
                Text(str(user.lockouts), justify="right"),
                Text(short_when(user.last_at)),
            )
        by_source = self.query_one("#failed-by-source", DataTable)
        by_source.clear()
        for source in report.by_source:
            by_source.add_row(
                Text(source.source),
                Text(str(source.failures), justify="right"),
                Text(str(source.users), justify="right"),
                Text(short_when(source.last_at)),
            )
        window = f"{short_when(report.since)} to {short_when(report.until)}"
        if report.failures == 0:
            summary = f"No failed logon from {window}."
        else:
            unknown = sum(1 for u in report.by_user if not u.known)
            summary = (
                f"{report.failures} failed logons from {window} · {len(report.by_user)} "
                f"accounts tried ({unknown} unknown, shown as digests)"
            )
        self.query_one("#failed-summary", Static).update(summary)

    @on(Select.Changed, "#failed-window")
    def chose_window(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_focus_window(self) -> None:
        self.query_one("#failed-window", Select).focus()

    def action_back(self) -> None:
        self.dismiss(None)
