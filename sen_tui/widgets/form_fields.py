"""The pieces of a report form, one per field definition of the served catalogue:
a field row (label, editor, help, error), a group block, and a repeatable list block.

Every block can say its value (None when empty), walk itself and its children by dotted
path (as the server names fields in its errors), and show an error where it belongs.
"""

from collections.abc import Iterator
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Label, Select, Static

from sen_tui.formatting import words
from sen_tui.widgets.form_values import PLACEHOLDERS, from_text, to_text
from sen_tui.widgets.text_inputs import TextBox, TextInput
from shared.fields import FieldKind, FieldSpec

Editor = TextInput | TextBox | Select[Any]


def label_of(spec: FieldSpec) -> str:
    return spec.label + (" *" if spec.required else "")


class FormBlock(Vertical):
    """One field, group or list of the form."""

    def __init__(self, spec: FieldSpec, value: Any = None) -> None:
        super().__init__(classes=f"form-block kind-{spec.kind.value}")
        self.spec = spec
        self.initial = value
        self.error_text = ""
        self.error_local = False  # found by the client's own check, not the server

    def error_widget(self) -> Static:
        return self.query_one(".field-error", Static)

    def set_error(self, message: str | None, *, local: bool = False) -> None:
        error = self.error_widget()
        error.update(Text(message or ""))
        error.set_class(bool(message), "shown")
        self.set_class(bool(message), "has-error")
        self.error_text = message or ""
        self.error_local = local and bool(message)

    def value(self) -> Any:
        raise NotImplementedError

    def walk(self, path: str) -> Iterator[tuple[str, "FormBlock"]]:
        yield path, self

    def focus_editor(self) -> None:
        focusable = [w for w in self.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()
            self.scroll_visible()


def _children_walk(container: Widget, path: str) -> Iterator[tuple[str, FormBlock]]:
    for child in container.query_children(FormBlock):
        yield from child.walk(f"{path}.{child.spec.name}" if path else child.spec.name)


def _children_value(container: Widget) -> dict[str, Any]:
    values = {child.spec.name: child.value() for child in container.query_children(FormBlock)}
    return {name: value for name, value in values.items() if value is not None}


class FieldRow(FormBlock):
    """A scalar field: label, editor, help and error."""

    # A class rather than :focus-within, which Textual does not re-evaluate when focus
    # leaves (the help of the field before would stay open).
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.add_class("editing")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.remove_class("editing")

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Horizontal(classes="field-line"):
            label = Label(Text(label_of(spec)), classes="field-label")
            if spec.pii:
                label.tooltip = "Personal data (PII): shown only to those who need to know."
            yield label
            yield self._editor()
            if spec.pii:
                yield Label("PII", classes="pii-tag")
        if spec.help:
            yield Static(Text(spec.help), classes="field-help")
        yield Static("", classes="field-error")

    def _editor(self) -> Editor:
        spec, value = self.spec, self.initial
        if spec.kind is FieldKind.ENUM:
            options = [(Text(words(v)), v) for v in spec.enum or []]
            return Select(
                options,
                prompt="—",
                value=value if value in (spec.enum or []) else Select.NULL,
                compact=True,
                classes="editor",
            )
        if spec.kind is FieldKind.OFFICE:
            # The offices arrive from the server after the form opens (``offer``); until
            # then the picker holds only the office already chosen.
            return Select(
                [(str(value), value)] if value else [],
                prompt="—",
                value=value or Select.NULL,
                compact=True,
                classes="editor",
            )
        if spec.kind is FieldKind.BOOLEAN:
            chosen = value if isinstance(value, bool) else Select.NULL
            return Select(
                [("yes", True), ("no", False)],
                prompt="—",
                value=chosen,
                compact=True,
                classes="editor",
            )
        if spec.kind is FieldKind.LONG_TEXT:
            return TextBox(str(value or ""), soft_wrap=True, compact=True, classes="editor")
        return TextInput(
            to_text(spec.kind, value),
            select_on_focus=False,  # tabbing through must not set up an overwrite
            placeholder=PLACEHOLDERS.get(spec.kind, ""),
            max_length=spec.max_length or 0,
            compact=True,
            classes="editor",
        )

    def offer(self, options: list[tuple[str, str]]) -> None:
        """Replace a picker's options, keeping its choice (even one no longer listed)."""
        select = self.editor
        if not isinstance(select, Select):
            return
        chosen = None if select.is_blank() else str(select.value)
        if chosen is not None and chosen not in {value for _, value in options}:
            options = [(chosen, chosen), *options]
        select.set_options(options)
        if chosen is not None:
            select.value = chosen

    @property
    def editor(self) -> Editor:
        return self.query_one(".editor", Widget)  # type: ignore[return-value]

    def value(self) -> Any:
        editor = self.editor
        if isinstance(editor, Select):
            return None if editor.is_blank() else editor.value
        if isinstance(editor, TextBox):
            return editor.text if editor.text.strip() else None
        return from_text(self.spec.kind, editor.value)


class GroupBlock(FormBlock):
    """One nested block, e.g. a contact or a location."""

    def compose(self) -> ComposeResult:
        self.border_title = label_of(self.spec)
        if self.spec.help:
            yield Static(Text(self.spec.help), classes="field-help")
        yield Static("", classes="field-error")
        values = self.initial if isinstance(self.initial, dict) else {}
        for child in self.spec.fields or []:
            yield block_for(child, values.get(child.name))

    def error_widget(self) -> Static:
        return self.query_children(".field-error").first(Static)

    def value(self) -> dict[str, Any] | None:
        return _children_value(self) or None

    def walk(self, path: str) -> Iterator[tuple[str, FormBlock]]:
        yield path, self
        yield from _children_walk(self, path)


class ListEntry(Vertical):
    """One entry of a list block (a subject, an injury...)."""

    BINDINGS = [Binding("ctrl+o", "remove_entry", "Remove entry", id="form.remove_entry")]

    def __init__(self, spec: FieldSpec, value: dict[str, Any] | None) -> None:
        super().__init__(classes="list-entry")
        self.spec = spec
        self.initial = value or {}

    def compose(self) -> ComposeResult:
        for child in self.spec.fields or []:
            yield block_for(child, self.initial.get(child.name))
        yield Button("Remove this entry (ctrl+o)", classes="remove-entry", compact=True)

    @on(Button.Pressed, ".remove-entry")
    def action_remove_entry(self) -> None:
        owner = self.query_ancestor(ListBlock)
        owner.remove_entry(self)


class ListBlock(FormBlock):
    """A repeatable block: entries can be added and removed."""

    BINDINGS = [Binding("ctrl+n", "add_entry", "Add entry", id="form.add_entry")]

    def compose(self) -> ComposeResult:
        self.border_title = label_of(self.spec)
        if self.spec.help:
            yield Static(Text(self.spec.help), classes="field-help")
        yield Static("", classes="field-error")
        entries = self.initial if isinstance(self.initial, list) else []
        with Vertical(classes="entries"):
            for entry in entries:
                yield ListEntry(self.spec, entry if isinstance(entry, dict) else None)
        yield Button(f"Add to {self.spec.label} (ctrl+n)", classes="add-entry", compact=True)

    def on_mount(self) -> None:
        self.renumber()

    def error_widget(self) -> Static:
        return self.query_children(".field-error").first(Static)

    @property
    def entries(self) -> list[ListEntry]:
        return list(self.query_one(".entries").query_children(ListEntry))

    def renumber(self) -> None:
        for number, entry in enumerate(self.entries, 1):
            entry.border_title = f"{self.spec.label} #{number}"

    @on(Button.Pressed, ".add-entry")
    async def action_add_entry(self) -> None:
        if self.spec.max_items is not None and len(self.entries) >= self.spec.max_items:
            self.notify(f"At most {self.spec.max_items} entries.", severity="warning", markup=False)
            return
        entry = ListEntry(self.spec, None)
        await self.query_one(".entries").mount(entry)
        self.renumber()
        focusable = [w for w in entry.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()
        entry.scroll_visible()

    def remove_entry(self, entry: ListEntry) -> None:
        index = self.entries.index(entry)
        entry.remove()
        self.call_after_refresh(self._after_removal, index)

    def _after_removal(self, index: int) -> None:
        self.renumber()
        remaining = self.entries
        if remaining:
            target = remaining[min(index, len(remaining) - 1)]
            focusable = [w for w in target.query("*") if w.focusable]
            if focusable:
                focusable[0].focus()
        else:
            self.query_one(".add-entry").focus()

    def value(self) -> list[dict[str, Any]] | None:
        return [_children_value(entry) for entry in self.entries] or None

    def walk(self, path: str) -> Iterator[tuple[str, FormBlock]]:
        yield path, self
        for index, entry in enumerate(self.entries):
            yield from _children_walk(entry, f"{path}.{index}")


def block_for(spec: FieldSpec, value: Any) -> FormBlock:
    if spec.kind is FieldKind.GROUP:
        return GroupBlock(spec, value)
    if spec.kind is FieldKind.LIST:
        return ListBlock(spec, value)
    return FieldRow(spec, value)
