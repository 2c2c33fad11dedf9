"""`sen demo`: starting the embedded server, then picking a demo account.

The account list comes as soon as the organisation exists and the server answers; the
synthetic reports are still being added then, and both screens say how far that has got.
"""

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, LoadingIndicator, Static

from sen_tui.demo import DemoAccount, DemoError, EmbeddedServer
from sen_tui.screens.base import SenScreen
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable


class DemoStartScreen(SenScreen[list[DemoAccount] | None]):
    """Builds the organisation and starts the server; dismisses with the accounts while
    the reports are still being added."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="app.quit", priority=True)]

    def __init__(self, server: EmbeddedServer) -> None:
        super().__init__(id="demo-start")
        self.server = server

    def compose(self) -> ComposeResult:
        with Vertical(id="demo-box"):
            yield Static("SEN demo", id="demo-title")
            yield Static(
                "Everything in this demo is synthetic: people, offices and events.\n"
                "Building a fresh database: the demo organisation first, then "
                f"{self.server.reports} synthetic reports…",
                id="demo-progress",
            )
            yield Static(id="demo-reports")
            yield LoadingIndicator()
        yield SenFooter()

    def on_mount(self) -> None:
        self.query_one("#demo-reports").display = False
        self.prepare()

    def progress(self, text: str) -> None:
        self.query_one("#demo-progress", Static).update(Text(text))

    def show_reports(self) -> None:
        line = self.query_one("#demo-reports", Static)
        line.display = True
        line.update(Text(self.server.reports_status()))

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def prepare(self) -> None:
        server = self.server
        try:
            accounts = server.wait_for_accounts()
            self.app.call_from_thread(
                self.progress,
                f"The demo organisation is ready: {len(accounts)} accounts.\n"
                f"Starting the demo server on {server.url.removeprefix('http://')}…",
            )
            self.app.call_from_thread(self.show_reports)
            self.app.call_from_thread(self.set_interval, 0.25, self.show_reports)
            server.start()
        except DemoError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, accounts)

    def failed(self, reason: str) -> None:
        self.query_one(LoadingIndicator).display = False
        self.query_one("#demo-reports").display = False
        self.progress(f"The demo could not start: {reason}\n\nPress ctrl+q to quit.")


class DemoAccountsScreen(SenScreen[str | None]):
    """Pick whom to log in as; the (synthetic) demo password is shown and pre-filled."""

    BINDINGS = [
        Binding("enter", "pick", "Log in as", id="demo.pick", show=False),
        Binding("escape", "app.quit", "Quit demo", id="demo.quit"),
    ]
    AUTO_FOCUS = "#demo-accounts"

    def __init__(
        self,
        accounts: list[DemoAccount],
        password: str,
        reports_status: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(id="demo-accounts-screen")
        self.accounts = accounts
        self.password = password
        self.reports_status = reports_status

    def compose(self) -> ComposeResult:
        yield Static("SEN demo — choose an account (↑/↓, enter)", id="demo-accounts-title")
        yield Static(
            Text(f"Every demo account's password: {self.password}  (synthetic, this run only)"),
            id="demo-password",
        )
        yield Static(id="demo-reports")
        yield RowTable(id="demo-accounts")
        yield SenFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Username", "Roles", "Office", "Program")
        for account in self.accounts:
            cells = (account.username, account.roles, account.office, account.program)
            table.add_row(*(Text(c) for c in cells), key=account.username)
        self.show_reports()
        if self.reports_status is not None:
            self.set_interval(0.5, self.show_reports)

    def show_reports(self) -> None:
        """Whether the reports are still arriving (the list is usable meanwhile)."""
        status = self.reports_status() if self.reports_status is not None else ""
        line = self.query_one("#demo-reports", Static)
        line.display = bool(status)
        line.update(Text(status))

    @on(DataTable.RowSelected)
    def picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_pick(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.dismiss(self.accounts[table.cursor_row].username)
