"""The idle lock (SPEC §10): hides everything and asks for the password again.

Unlocking logs in afresh (a new token; the old one is revoked), so an idle session that
the server already ended is no obstacle. Dismisses with True when unlocked, False when
the user chose to log out instead. Screens underneath, and their unsaved input, stay.
"""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from sen_tui.api import ApiError, ServerUnreachable
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.text_inputs import TextInput


class LockScreen(SenScreen[bool]):
    BINDINGS = [
        Binding("f2", "unlock", "Unlock", id="lock.unlock"),
        Binding("ctrl+o", "log_out", "Log out", id="lock.log_out"),
    ]
    AUTO_FOCUS = "#lock-password"

    def __init__(self, session: Session, reason: str) -> None:
        super().__init__(id="lock")
        self.session = session
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Static("SEN is locked", id="lock-title")
            yield Static(Text(self.reason), id="lock-reason")
            yield Label(Text(f"Password for {self.session.username}"), id="lock-user")
            yield TextInput(id="lock-password", password=True, max_length=1024)
            with Horizontal(id="lock-buttons"):
                yield Button("Unlock", id="unlock", variant="primary")
                yield Button("Log out", id="log-out")
            yield Label("", id="lock-error")
        yield SenFooter()

    @on(Input.Submitted)
    @on(Button.Pressed, "#unlock")
    def action_unlock(self) -> None:
        password = self.query_one("#lock-password", Input).value
        if password:
            self.unlock(password)

    @on(Button.Pressed, "#log-out")
    def action_log_out(self) -> None:
        self.dismiss(False)

    @work(exclusive=True, group="unlock", exit_on_error=False)
    async def unlock(self, password: str) -> None:
        client = self.session.client
        old_token = client.token
        try:
            await client.login(self.session.username, password)
        except (ApiError, ServerUnreachable) as exc:
            client.token = old_token
            self.query_one("#lock-password", Input).value = ""
            self.query_one("#lock-error", Label).update(Text(str(exc)))
            return
        if old_token:
            await client.revoke(old_token)
        if client.token:
            await self.in_thread(self.session.tokens.save, client.token)
        self.dismiss(True)
