"""A question with a few labelled answers; dismisses with the chosen answer's id. The
``default`` answer (else the first) has the focus and the primary colour."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from sen_tui.modals.base import SenModal


class ChoiceModal(SenModal[str | None]):
    DEFAULT_CSS = """
    ChoiceModal { align: center middle; }
    ChoiceModal > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ChoiceModal .dialog-title { text-style: bold; }
    ChoiceModal Horizontal { height: auto; margin-top: 1; }
    ChoiceModal Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("left", "app.focus_previous", "Previous answer", id="dialog.left", show=False),
        Binding("right", "app.focus_next", "Next answer", id="dialog.right", show=False),
    ]

    def __init__(
        self, title: str, question: str, choices: list[tuple[str, str]], *, default: str = ""
    ) -> None:
        super().__init__()
        self.title_text, self.question, self.choices = title, question, choices
        ids = [choice_id for choice_id, _ in choices]
        self.default = default if default in ids else ids[0]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.question))
            with Horizontal():
                for choice_id, label in self.choices:
                    primary = choice_id == self.default
                    yield Button(label, id=choice_id, variant="primary" if primary else "default")

    def on_mount(self) -> None:
        self.query_one(f"#{self.default}", Button).focus()

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
