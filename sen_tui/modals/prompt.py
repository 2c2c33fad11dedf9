"""Small dialogs: a one-line text prompt (approve / return / amend reason) and a yes/no."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from sen_tui.modals.base import SenModal
from sen_tui.widgets.text_inputs import TextInput

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70; max-width: 100%; height: auto;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-error {{ color: $error; height: auto; }}
{name} Horizontal {{ height: auto; margin-top: 1; }}
{name} Button {{ margin-right: 2; }}
"""


class TextPromptModal(SenModal[str | None]):
    """Asks for one line of text; dismisses with it (stripped), or None when cancelled."""

    DEFAULT_CSS = _CSS.format(name="TextPromptModal")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    AUTO_FOCUS = "#prompt-input"

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        confirm: str,
        required: bool,
        max_length: int,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.title_text, self.prompt, self.confirm = title, prompt, confirm
        self.required, self.max_length, self.placeholder = required, max_length, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.prompt))  # wraps, where a Label would cut
            yield TextInput(
                id="prompt-input", max_length=self.max_length, placeholder=self.placeholder
            )
            yield Label("", classes="dialog-error")
            with Horizontal():
                yield Button(self.confirm, id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def confirm_pressed(self) -> None:
        text = self.query_one("#prompt-input", Input).value.strip()
        if self.required and not text:
            self.query_one(".dialog-error", Label).update("This is required.")
            self.query_one("#prompt-input").focus()
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(SenModal[bool]):
    DEFAULT_CSS = _CSS.format(name="ConfirmModal")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("y", "confirm", "Yes", id="dialog.yes"),
    ]
    AUTO_FOCUS = "#cancel"  # the safe choice is the default

    def __init__(self, title: str, question: str, *, confirm: str) -> None:
        super().__init__()
        self.title_text, self.question, self.confirm = title, question, confirm

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.question))
            with Horizontal():
                yield Button(self.confirm, id="confirm", variant="error")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
