"""The footer every SEN screen shows: Textual's compact footer, which drops the keys that
are the same on every screen (quit, help, log out) when the screen's own keys would not
fit beside them.

At 80 columns a workspace's own keys plus the app-wide ones ran past the right edge, and
Textual's footer then scrolls sideways, hiding keys from anyone without a mouse. The
app-wide keys stay reachable: by their keys, in the command palette (whose key is always
shown) and in help (F1).
"""

from itertools import groupby

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# The actions of the app-wide keys, as the footer sees them (app bindings name the action
# bare; screens reach the app's with the "app." prefix).
APP_WIDE_ACTIONS = frozenset({"quit", "help", "app.log_out"})
# Columns the command palette's key takes at the right edge ("▏^p palette").
PALETTE_COLUMNS = 13


class SenFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self._dropping_app_wide = False

    def compose(self) -> ComposeResult:
        self._dropping_app_wide = self._screen_keys_crowded()
        for widget in super().compose():
            if (
                self._dropping_app_wide
                and isinstance(widget, FooterKey)
                and widget.action in APP_WIDE_ACTIONS
            ):
                continue
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and self._screen_keys_crowded() != self._dropping_app_wide:
            self.call_after_refresh(self.recompose)

    def _screen_keys_crowded(self) -> bool:
        """Whether the shown keys would be wider than the screen, measured as Textual's
        footer lays them out: "key description " each, and a group of keys (the pages'
        "[ ] Page") as its keys and one description."""
        shown: dict[str, Binding] = {}
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show:
                shown.setdefault(binding.action, binding)
        width = PALETTE_COLUMNS
        for group, run in groupby(shown.values(), key=lambda binding: binding.group):
            members = list(run)
            keys = sum(len(self.app.get_key_display(binding)) + 1 for binding in members)
            if group is not None and len(members) > 1:
                width += keys + len(group.description) + 2
            else:
                width += keys + sum(len(binding.description) + 1 for binding in members)
        return width > self.app.size.width
