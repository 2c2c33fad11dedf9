"""A temporary password, shown this once (SPEC §10): the server keeps only its hash and will
not show it again, so the dialog says so and waits until the administrator closes it."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from sen_tui.modals.base import SenModal


class TemporaryPasswordModal(SenModal[None]):
    DEFAULT_CSS = """
    TemporaryPasswordModal { align: center middle; }
    TemporaryPasswordModal > Vertical {
        width: 70; max-width: 100%; height: auto;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    TemporaryPasswordModal .dialog-title { text-style: bold; margin-bottom: 1; }
    TemporaryPasswordModal #temporary-password {
        text-style: bold; color: $accent; margin: 1 0; content-align: center middle;
        width: 100%;
    }
    TemporaryPasswordModal Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="dialog.close")]
    AUTO_FOCUS = "#close"

    def __init__(self, username: str, password: str, *, reason: str) -> None:
        super().__init__()
        self.username, self.password, self.reason = username, password, reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Temporary password for {self.username}"), classes="dialog-title")
            yield Static(Text(self.reason))
            yield Static(Text(self.password), id="temporary-password")
            yield Static(
                Text(
                    "Give it to the user by a separate, trusted channel. It is shown only "
                    "now: the server keeps no copy it can show again. The user must choose "
                    "a new password at their first logon."
                )
            )
            with Horizontal():
                yield Button("I have noted it", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
