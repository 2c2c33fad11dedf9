"""Input and TextArea that follow the client's cursor_blink setting (off for screen
readers, screen recordings and deterministic snapshot tests)."""

from textual.widgets import Input, TextArea


def _blink_wanted(widget: Input | TextArea) -> bool:
    # SenApp sets this from ClientSettings.cursor_blink; any other App keeps the default.
    return bool(getattr(widget.app, "cursor_blink_enabled", True))


class TextInput(Input):
    def on_mount(self) -> None:
        self.cursor_blink = _blink_wanted(self)


class TextBox(TextArea):
    def on_mount(self) -> None:
        self.cursor_blink = _blink_wanted(self)
