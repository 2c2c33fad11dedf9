"""`sen demo`: starting the embedded server, then picking a demo account."""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, LoadingIndicator, Static

from sen_tui.demo import DemoAccount, DemoError, EmbeddedServer
from sen_tui.screens.base import SenScreen


class DemoStartScreen(SenScreen[list[DemoAccount] | None]):
    """Builds the synthetic data and starts the server; dismisses with the accounts."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="app.quit", priority=True)]

    def __init__(self, server: EmbeddedServer) -> None:
        super().__init__(id="demo-start")
        self.server = server

    def compose(self) -> ComposeResult:
        with Vertical(id="demo-box"):
            yield Static("SEN demo", id="demo-title")
            yield Static(
                "Everything in this demo is synthetic: people, offices and events.\n"
                f"Building a fresh database with {self.server.reports} synthetic reports "
                "(this takes a little while)…",
                id="demo-progress",
            )
            yield LoadingIndicator()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.prepare()

    def progress(self, text: str) -> None:
        self.query_one("#demo-progress", Static).update(Text(text))

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def prepare(self) -> None:
        server = self.server
        try:
            summary = server.build_data()
            self.app.call_from_thread(
                self.progress, f"{summary}.\nStarting the demo server on {server.url}…"
            )
            server.start()
            accounts = server.load_accounts()
        except DemoError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, accounts)

    def failed(self, reason: str) -> None:
        self.query_one(LoadingIndicator).display = False
        self.progress(f"The demo could not start: {reason}\n\nPress ctrl+q to quit.")


class DemoAccountsScreen(SenScreen[str | None]):
    """Pick whom to log in as; the (synthetic) demo password is shown and pre-filled."""

    BINDINGS = [
        Binding("enter", "pick", "Log in as", id="demo.pick", show=False),
        Binding("escape", "app.quit", "Quit demo", id="demo.quit"),
    ]
    AUTO_FOCUS = "#demo-accounts"

    def __init__(self, accounts: list[DemoAccount], password: str) -> None:
        super().__init__(id="demo-accounts-screen")
        self.accounts = accounts
        self.password = password

    def compose(self) -> ComposeResult:
        yield Static("SEN demo — choose an account (↑/↓, enter)", id="demo-accounts-title")
        yield Static(
            Text(f"Every demo account's password: {self.password}  (synthetic, this run only)"),
            id="demo-password",
        )
        yield DataTable(id="demo-accounts", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Username", "Roles", "Office", "Program")
        for account in self.accounts:
            cells = (account.username, account.roles, account.office, account.program)
            table.add_row(*(Text(c) for c in cells), key=account.username)

    @on(DataTable.RowSelected)
    def picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_pick(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.dismiss(self.accounts[table.cursor_row].username)
