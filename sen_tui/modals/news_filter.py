"""The news list's filters: one outlet (of those the server lists) and a publication-time
window. Dismisses with the chosen filters, or None when cancelled."""

from datetime import datetime, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select

from sen_tui.api import NewsFilters
from sen_tui.modals.base import SenModal

# Publication windows, relative to the session clock.
PUBLISHED_WITHIN = [
    ("Published in the last 24 hours", timedelta(hours=24)),
    ("Published in the last 7 days", timedelta(days=7)),
    ("Published in the last 30 days", timedelta(days=30)),
    ("Published in the last year", timedelta(days=365)),
]


class NewsFilterModal(SenModal[NewsFilters | None]):
    DEFAULT_CSS = """
    NewsFilterModal { align: center middle; }
    NewsFilterModal > Vertical {
        width: 70; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    NewsFilterModal .dialog-title { text-style: bold; margin-bottom: 1; }
    NewsFilterModal Select { margin-bottom: 1; }
    NewsFilterModal Horizontal { height: auto; }
    NewsFilterModal Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    AUTO_FOCUS = "#filter-outlet"

    def __init__(
        self, outlets: list[str], current: NewsFilters, now: datetime, window: timedelta | None
    ) -> None:
        super().__init__()
        self.outlets, self.current, self.now, self.window = outlets, current, now, window

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Filter news stories", classes="dialog-title")
            outlet = self.current.outlet if self.current.outlet in self.outlets else None
            yield Select(
                [(name, name) for name in self.outlets],
                prompt="Any outlet",
                value=outlet if outlet is not None else Select.NULL,
                id="filter-outlet",
            )
            yield Select(
                PUBLISHED_WITHIN,
                prompt="Published at any time",
                value=self.window if self.window is not None else Select.NULL,
                id="filter-window",
            )
            with Horizontal():
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        outlet = self.query_one("#filter-outlet", Select).value
        window = self.query_one("#filter-window", Select).value
        since = self.now - window if isinstance(window, timedelta) else None
        self.dismiss(NewsFilters(outlet=outlet if isinstance(outlet, str) else None, since=since))

    @on(Button.Pressed, "#clear")
    def clear(self) -> None:
        self.dismiss(NewsFilters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
