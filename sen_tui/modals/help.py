"""Help: the keys of the screen it was opened from, with their command-palette names.

Its footer is the one every dialog mounts (SenModal).
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from sen_tui.commands import Command
from sen_tui.modals.base import SenModal

GENERAL = """\
Tab / shift+tab move between fields and panes; enter opens or confirms; escape goes back.
ctrl+p opens the command palette: every action below is there by name.
Times are shown in UTC (Z). Report content carries its marking at top and bottom."""


class HelpModal(SenModal[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close help", id="help.close")]

    def __init__(self, screen_name: str, commands: list[Command]) -> None:
        super().__init__(id="help")
        self.screen_name = screen_name
        self.commands = commands

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(f"Keys on this screen: {self.screen_name}", id="help-title")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
                yield Static(GENERAL, id="help-general")

    def _table(self) -> Text:
        text = Text()
        for command in sorted(self.commands, key=lambda c: c.title):
            text.append(f"{command.key:>12}  ", style="bold cyan")
            text.append(f"{command.title}\n")
        return text

    def action_close(self) -> None:
        self.dismiss(None)
