"""Pick the type of a new report among those the user may create."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from sen_tui.modals.base import SenModal
from sen_tui.session import Session
from shared.enums import ReportType


class PickTypeModal(SenModal[str | None]):
    # Below 90 columns the dialog spans the whole width. At 72 columns wide on an 80-column
    # queue it ended one column short of each row's end, so the last letter of every row
    # ("Z" of the time) and the scrollbar stood beside its frame like stray characters.
    DEFAULT_CSS = """
    PickTypeModal { align: center middle; }
    PickTypeModal > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickTypeModal.-narrow > Vertical { width: 100%; }
    PickTypeModal OptionList { height: auto; max-height: 16; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self, session: Session, types: list[ReportType], *, prompt: str = "New report: which type?"
    ) -> None:
        super().__init__()
        self.session = session
        self.types = types
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield OptionList(
                *(
                    Option(Text(f"{code:<9}{self.session.spec(code).label}"), id=code)
                    for code in self.types
                ),
                id="report-types",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
