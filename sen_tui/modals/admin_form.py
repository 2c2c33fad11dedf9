"""A small form in a dialog (an account, an office) that saves itself: it stays open, with the
server's refusal shown field by field, until the server accepts it or the user cancels.

The dialog knows nothing of what it edits: it gets its fields and a ``save`` coroutine as
attributes and dismisses with whatever ``save`` answered (None when cancelled).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from sen_tui.api import ApiError, ServerUnreachable, SessionEnded
from sen_tui.modals.base import SenModal
from sen_tui.widgets.text_inputs import TextBox, TextInput


@dataclass(frozen=True)
class FormField:
    name: str  # the wire name the values are keyed by
    label: str
    value: str = ""
    choices: list[str] = field(default_factory=list)  # a closed list: a Select
    hint: str = ""  # placeholder
    max_length: int = 200
    lines: int = 1  # more than one: a text box of that height (e.g. addresses, one a line)


class FormRefused(Exception):
    """Raised by a ``save`` for a problem found before the server is asked (a file that
    cannot be read); shown like the server's refusal, and the dialog stays open."""


Save = Callable[[dict[str, str]], Awaitable[Any]]


class FormModal(SenModal[Any]):
    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormModal .dialog-title { text-style: bold; }
    FormModal VerticalScroll { height: auto; max-height: 12; margin-top: 1; }
    FormModal .form-row { height: 1; }
    FormModal .form-label { width: 16; }
    FormModal .form-row Input, FormModal .form-row Select { width: 1fr; }
    FormModal .form-row.form-lines { height: auto; }
    FormModal .form-lines TextArea { width: 1fr; height: auto; }
    FormModal .dialog-error { color: $error; height: auto; width: 100%; }
    FormModal #form-buttons { height: auto; margin-top: 1; }
    FormModal Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
    ]
    AUTO_FOCUS = ".form-editor"  # the first field

    def __init__(self, title: str, fields: list[FormField], save: Save, *, confirm: str) -> None:
        super().__init__()
        self.title_text, self.fields, self.save, self.confirm = title, fields, save, confirm

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            with VerticalScroll():
                for spec in self.fields:
                    lines = "form-lines" if spec.lines > 1 else ""
                    with Horizontal(classes=f"form-row {lines}"):
                        yield Label(spec.label, classes="form-label")
                        yield self._editor(spec)
            yield Static("", classes="dialog-error", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(self.confirm, id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _editor(self, spec: FormField) -> Input | Select[str] | TextArea:
        if spec.lines > 1:
            box = TextBox(
                spec.value, id=f"form-{spec.name}", classes="form-editor", soft_wrap=False
            )
            box.styles.height = spec.lines + 2  # the lines and the box's border
            return box
        if spec.choices:
            return Select(
                [(c, c) for c in spec.choices],
                value=spec.value or Select.NULL,
                id=f"form-{spec.name}",
                classes="form-editor",
                compact=True,
                allow_blank=not spec.value,
            )
        return TextInput(
            spec.value,
            id=f"form-{spec.name}",
            classes="form-editor",
            placeholder=spec.hint,
            max_length=spec.max_length,
            compact=True,
        )

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self.fields:
            editor = self.query_one(f"#form-{spec.name}")
            if isinstance(editor, Select):
                out[spec.name] = "" if editor.is_blank() else str(editor.value)
            elif isinstance(editor, Input):
                out[spec.name] = editor.value.strip()
            elif isinstance(editor, TextArea):
                out[spec.name] = editor.text.strip()
        return out

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.query_one("#form-error", Static).update("Saving…")
        self.send(self.values())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="form", exit_on_error=False)
    async def send(self, values: dict[str, str]) -> None:
        try:
            answer = await self.save(values)
        except SessionEnded:
            raise  # the App locks or signs out; nothing for this form to say
        except FormRefused as exc:
            self.query_one("#form-error", Static).update(Text(str(exc)))
            return
        except (ApiError, ServerUnreachable) as exc:
            errors = exc.field_errors if isinstance(exc, ApiError) else []
            text = "; ".join(e.in_words() for e in errors) or str(exc)
            self.query_one("#form-error", Static).update(Text(text))
            return
        self.dismiss(answer)
