"""A save hit a version conflict (409): show what differs between the user's input and the
report as it is now on the server, and let the user decide. Their input is never dropped
without asking."""

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from sen_tui.formatting import shown
from sen_tui.modals.base import SenModal
from shared.labels import humanize_path
from shared.schemas import FieldDifference, ReportPublic

Resolution = Literal["mine", "theirs"] | None


class ConflictModal(SenModal[Resolution]):
    DEFAULT_CSS = """
    ConflictModal { align: center middle; }
    ConflictModal > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConflictModal .dialog-title { text-style: bold; }
    ConflictModal VerticalScroll { height: auto; max-height: 12; }
    ConflictModal Horizontal { height: auto; }
    ConflictModal Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("escape", "later", "Decide later", id="conflict.later"),
        Binding("k", "keep_mine", "Keep mine", id="conflict.keep_mine"),
        Binding("l", "load_theirs", "Load theirs", id="conflict.load_theirs"),
    ]
    AUTO_FOCUS = "#keep-mine"

    def __init__(self, current: ReportPublic, changes: list[FieldDifference]) -> None:
        super().__init__()
        self.current = current
        self.changes = changes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(
                    f"{self.current.id} changed while you were editing "
                    f"(now version {self.current.version}). Nothing of yours was saved or lost."
                ),
                classes="dialog-title",
            )
            with VerticalScroll():
                yield Static(self._differences())
            with Horizontal():
                yield Button("Keep mine (k)", id="keep-mine", variant="primary")
                yield Button("Load theirs (l)", id="load-theirs", variant="warning")
                yield Button("Decide later (esc)", id="later")

    def _differences(self) -> Text:
        text = Text()
        if not self.changes:
            text.append("Your input matches the current version.", style="italic")
        for change in self.changes:
            text.append(f"{humanize_path(change.field)}\n", style="bold")
            text.append(f"  server  {shown(change.before)}\n", style="yellow")
            text.append(f"  yours   {shown(change.after)}\n", style="green")
        return text

    @on(Button.Pressed, "#keep-mine")
    def action_keep_mine(self) -> None:
        self.dismiss("mine")

    @on(Button.Pressed, "#load-theirs")
    def action_load_theirs(self) -> None:
        self.dismiss("theirs")

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(None)
