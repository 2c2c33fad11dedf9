"""A queue page as a table: one row per report, unread rows marked, priorities coloured.

Only the page on screen is in the table (DataTable slows down with very many rows); the
server pages the rest. The marks are the server's (delivery state, ``updated``, ``late``):
the table only draws them, and LEGEND says what each means.
"""

from rich.text import Text
from textual.coordinate import Coordinate
from textual.events import Resize

from sen_tui.formatting import PRIORITY_STYLES, short_when, words
from sen_tui.widgets.row_table import RowTable
from shared.enums import DeliveryState, Priority
from shared.schemas import QueueItem

_UPDATED = ("updated", "Updated", 12)
_PADDING = 2  # DataTable's cell padding, both sides
_SCROLLBAR = 2
_PRIORITY_LABELS = {Priority.FLASH: "FLASH", Priority.PRIORITY: "PRIO", Priority.ROUTINE: ""}

UPDATED_MARK = "↻"
DELIVERY_MARKS = {DeliveryState.NEW: "●", DeliveryState.ACKNOWLEDGED: "✓"}
LATE_MARK = "*"  # after the status of a report the server flags late (an SIR, SPEC §3)
LATE_LEGEND = f"{LATE_MARK} late"
# One line with a queue's counts at 80 columns: single spaces between the marks.
LEGEND = f"● unread ↻ updated ✓ acknowledged {LATE_LEGEND}"
# After the status of a report cited in an IROC summary, with the summary's number.
SUMMARISED_MARK = "Σ"
SUMMARISED_LEGEND = f"{SUMMARISED_MARK}n in summary n"


def summary_mark(item: QueueItem) -> str:
    return f" {SUMMARISED_MARK}{item.summary_id}" if item.summary_id is not None else ""


def row_mark(item: QueueItem) -> str:
    if item.updated:
        return UPDATED_MARK
    if item.delivery_state is None:
        return " "
    return DELIVERY_MARKS.get(item.delivery_state, " ")


class QueueTable(RowTable[Text]):
    def __init__(self) -> None:
        super().__init__(id="queue-table", zebra_stripes=False)
        self.items: list[QueueItem] = []
        self._title_width = 0

    @property
    def current_report_id(self) -> str | None:
        if not self.items or self.row_count == 0:
            return None
        row_key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        return str(row_key.value)

    @property
    def current_item(self) -> QueueItem | None:
        report_id = self.current_report_id
        return next((i for i in self.items if i.id == report_id), None)

    def show(self, items: list[QueueItem], *, cursor_on: str | None = None) -> None:
        """Replace the rows, keeping the cursor on the same report where it still is (or
        putting it on ``cursor_on`` when that report is among them)."""
        keep = cursor_on if cursor_on in {i.id for i in items} else self.current_report_id
        self.items = items
        self._rebuild(keep)

    def on_resize(self, event: Resize) -> None:
        if self._wanted_title_width() != self._title_width:
            self._rebuild(self.current_report_id)

    def _fixed_columns(self) -> list[tuple[str, str, int]]:
        """(key, label, width) before the title, as narrow as this page allows."""
        ids = max((len(i.id) for i in self.items), default=17)
        statuses = max(
            (len(words(i.status)) + i.late + len(summary_mark(i)) for i in self.items),
            default=6,
        )
        return [
            ("mark", " ", 1),
            ("id", "ID", ids),
            ("priority", "Pri", 5),
            ("status", "Status", max(6, statuses)),
        ]

    def _wanted_title_width(self) -> int:
        width = self.size.width or self.app.size.width
        fixed = sum(w + _PADDING for _, _, w in (*self._fixed_columns(), _UPDATED))
        return max(12, width - fixed - _PADDING - _SCROLLBAR)

    def _rebuild(self, keep: str | None) -> None:
        self._title_width = self._wanted_title_width()
        self.clear(columns=True)
        for key, label, width in self._fixed_columns():
            self.add_column(label, width=width, key=key)
        self.add_column("Title", width=self._title_width, key="title")
        self.add_column(_UPDATED[1], width=_UPDATED[2], key=_UPDATED[0])
        for item in self.items:
            self.add_row(*self._cells(item), key=item.id)
        if keep is not None:
            ids = [i.id for i in self.items]
            if keep in ids:
                self.move_cursor(row=ids.index(keep), animate=False)

    def _cells(self, item: QueueItem) -> list[Text]:
        unread = item.delivery_state is DeliveryState.NEW or item.updated
        base = "bold" if unread else ""
        priority = Priority(item.priority)
        flagged = PRIORITY_STYLES.get(priority, "")
        title = (
            item.title
            if len(item.title) <= self._title_width
            else (item.title[: self._title_width - 1] + "…")
        )
        status = words(item.status) + (LATE_MARK if item.late else "") + summary_mark(item)
        return [
            Text(row_mark(item), style="bold cyan"),
            Text(item.id, style=f"{base} {flagged}".strip()),
            Text(_PRIORITY_LABELS[priority], style=flagged),
            Text(status, style=base),
            Text(title or "(untitled)", style=base),
            Text(short_when(item.updated_at), style=base),
        ]
