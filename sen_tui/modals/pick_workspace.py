"""Pick one of the user's workspaces (the server's list, in its order)."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from sen_tui.modals.base import SenModal
from shared.schemas import WorkspacePublic


class PickWorkspaceModal(SenModal[str | None]):
    DEFAULT_CSS = """
    PickWorkspaceModal { align: center middle; }
    PickWorkspaceModal > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickWorkspaceModal OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, workspaces: list[WorkspacePublic], current: str) -> None:
        super().__init__()
        self.workspaces = workspaces
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Go to which workspace?")
            yield OptionList(
                *(
                    Option(
                        Text(w.label + ("  (here)" if w.name == self.current else "")), id=w.name
                    )
                    for w in self.workspaces
                ),
                id="workspaces",
            )

    def on_mount(self) -> None:
        names = [w.name.value for w in self.workspaces]
        options = self.query_one(OptionList)
        # The cursor starts on the next workspace: two of them toggle with w, enter.
        here = names.index(self.current) if self.current in names else -1
        options.highlighted = (here + 1) % len(names) if names else None

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
