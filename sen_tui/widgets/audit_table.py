"""A page of the audit log as a table, one row per record, newest first.

The action and object columns share what the terminal's width leaves; the rest is narrow
and fixed. Only the page on screen is in the table: the server pages the log.
"""

from rich.text import Text
from textual.coordinate import Coordinate
from textual.events import Resize

from sen_tui.formatting import short_when
from sen_tui.widgets.row_table import RowTable
from shared.enums import AuditOutcome
from shared.schemas import AuditRecordPublic

_PADDING = 2  # DataTable's cell padding, both sides
_SCROLLBAR = 2
_OUTCOME_STYLES = {AuditOutcome.DENIED: "bold yellow", AuditOutcome.FAILURE: "bold red"}
_ACTION_MAX = 26  # the longest action name ("admin.routing_rules.update")
_OBJECT_MIN = 17  # a report ID ("SPEAR-2026-000012")


def object_text(record: AuditRecordPublic) -> str:
    # The action names the kind of object ("report.view"): the ID alone says which.
    return record.object_id or record.object_type or "—"


class AuditTable(RowTable[Text]):
    def __init__(self) -> None:
        super().__init__(id="audit-table", zebra_stripes=False)
        self.records: list[AuditRecordPublic] = []
        self._widths: tuple[int, int] = (0, 0)

    @property
    def current_record(self) -> AuditRecordPublic | None:
        if not self.records or self.row_count == 0:
            return None
        row_key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        return next((r for r in self.records if str(r.seq) == row_key.value), None)

    def show(self, records: list[AuditRecordPublic]) -> None:
        self.records = records
        self._rebuild()
        if records:
            self.move_cursor(row=0, animate=False)

    def on_resize(self, event: Resize) -> None:
        if self._wanted_widths() != self._widths:
            keep = self.cursor_row
            self._rebuild()
            if self.row_count:
                self.move_cursor(row=min(keep, self.row_count - 1), animate=False)

    def _fixed_columns(self) -> list[tuple[str, str, int]]:
        seq = max((len(str(r.seq)) for r in self.records), default=3)
        actor = max((len(r.actor or "—") for r in self.records), default=5)
        return [
            ("seq", "Seq", max(3, seq)),
            ("at", "Time (UTC)", 12),
            ("actor", "Actor", min(max(5, actor), 14)),
            ("outcome", "Outcome", 7),
        ]

    def _wanted_widths(self) -> tuple[int, int]:
        """(action, object) widths for the table's width now."""
        width = self.size.width or self.app.size.width
        fixed = sum(w + _PADDING for _, _, w in self._fixed_columns())
        free = max(24, width - fixed - 2 * _PADDING - _SCROLLBAR)
        action = min(_ACTION_MAX, max(12, free - _OBJECT_MIN))
        return action, max(10, free - action)

    def _rebuild(self) -> None:
        self._widths = action, obj = self._wanted_widths()
        self.clear(columns=True)
        fixed = self._fixed_columns()
        for key, label, width in fixed[:3]:
            self.add_column(label, width=width, key=key)
        self.add_column("Action", width=action, key="action")
        key, label, width = fixed[3]
        self.add_column(label, width=width, key=key)
        self.add_column("Object", width=obj, key="object")
        for record in self.records:
            self.add_row(*self._cells(record), key=str(record.seq))

    def _cells(self, record: AuditRecordPublic) -> list[Text]:
        actor_width = self._fixed_columns()[2][2]
        return [
            Text(str(record.seq), style="dim"),
            Text(short_when(record.at)),
            Text(_cut(record.actor or "—", actor_width)),
            Text(_cut(record.action, self._widths[0])),
            Text(record.outcome.value, style=_OUTCOME_STYLES.get(record.outcome, "")),
            Text(_cut(object_text(record), self._widths[1])),
        ]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
