"""One audit record in full: who, from where, what, on what, the outcome, the details (names
of changed fields, never values) and its place in the hash chain."""

import json

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sen_tui.modals.base import SenModal
from shared.schemas import AuditRecordPublic


class AuditRecordModal(SenModal[None]):
    DEFAULT_CSS = """
    AuditRecordModal { align: center middle; }
    AuditRecordModal > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AuditRecordModal .dialog-title { text-style: bold; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close", id="dialog.close")]

    def __init__(self, record: AuditRecordPublic) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(f"Audit record {self.record.seq}"), classes="dialog-title")
            yield Static(self._grid())

    def _grid(self) -> Table:
        r = self.record
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=12, no_wrap=True, style="bold")
        grid.add_column(ratio=1, overflow="fold")
        rows = [
            ("Time", r.at.isoformat(timespec="seconds")),
            ("Actor", r.actor or "— (not signed in)"),
            ("Roles", ", ".join(r.roles) or "—"),
            ("Session", r.session or "—"),
            ("Source", r.source or "—"),
            ("Action", r.action),
            ("Object", " ".join(p for p in (r.object_type, r.object_id) if p) or "—"),
            ("Outcome", r.outcome.value),
            ("Details", json.dumps(r.details, indent=1, sort_keys=True) if r.details else "—"),
            ("Prev. hash", r.prev_hash),
            ("Hash", r.hash),
        ]
        for label, value in rows:
            grid.add_row(label, Text(value))
        return grid

    def action_close(self) -> None:
        self.dismiss(None)
