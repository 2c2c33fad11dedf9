"""Password change: forced after a temporary password or when it expired, or chosen.

Dismisses with the server's MePublic after a change, or None when cancelled (a forced
change cannot be skipped: cancelling it logs out).
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
from shared.schemas import MePublic

MIN_LENGTH = 12  # SPEC §10; the server checks the rest (common passwords, username)


class PasswordScreen(SenScreen[MePublic | None]):
    BINDINGS = [
        Binding("f2", "change", "Change password", id="password.change"),
        Binding("escape", "cancel", "Cancel", id="password.cancel"),
    ]
    AUTO_FOCUS = "#current-password"

    def __init__(self, session: Session, *, forced: bool) -> None:
        super().__init__(id="password")
        self.session = session
        self.forced = forced

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box"):
            yield Static("Change your password", id="password-title")
            if self.forced:
                yield Static(
                    "Your password is temporary or has expired: choose a new one to continue.",
                    id="password-reason",
                )
            yield Static(
                f"At least {MIN_LENGTH} characters, not your username, not a common password.",
                classes="help",
            )
            for field_id, label in (
                ("current-password", "Current"),
                ("new-password", "New"),
                ("confirm-password", "Repeat new"),
            ):
                with Horizontal(classes="login-row"):
                    yield Label(label, classes="login-label")
                    yield TextInput(id=field_id, password=True, max_length=1024, compact=True)
            with Horizontal(id="password-buttons"):
                yield Button("Change password", id="change", variant="primary")
                yield Button("Log out" if self.forced else "Cancel", id="cancel")
            yield Label("", id="password-error")
        yield SenFooter()

    @on(Input.Submitted)
    def next_or_change(self, event: Input.Submitted) -> None:
        if event.input.id == "confirm-password":
            self.action_change()
        else:
            self.focus_next()

    @on(Button.Pressed, "#change")
    def action_change(self) -> None:
        current = self.query_one("#current-password", Input).value
        new = self.query_one("#new-password", Input).value
        if not current:
            self.show_error("Enter your current password.")
        elif len(new) < MIN_LENGTH:
            self.show_error(f"The new password needs at least {MIN_LENGTH} characters.")
        elif new != self.query_one("#confirm-password", Input).value:
            self.show_error("The new passwords differ.")
        else:
            self.show_error("Changing…")
            self.change(current, new)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="password", exit_on_error=False)
    async def change(self, current: str, new: str) -> None:
        try:
            me = await self.session.client.change_password(current, new)
        except (ApiError, ServerUnreachable) as exc:
            errors = exc.field_errors if isinstance(exc, ApiError) else []
            self.show_error("; ".join(e.in_words() for e in errors) or str(exc))
            return
        self.app.notify("Password changed.", title="Session", markup=False)
        self.dismiss(me)

    def show_error(self, text: str) -> None:
        self.query_one("#password-error", Label).update(Text(text))
