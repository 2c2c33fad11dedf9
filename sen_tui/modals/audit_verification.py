"""The result of a chain verification run on the server: intact, or the first bad record
and what is wrong with it, in the server's words."""

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sen_tui.modals.base import SenModal
from shared.audit_review import AuditVerification


class AuditVerificationModal(SenModal[None]):
    DEFAULT_CSS = """
    AuditVerificationModal { align: center middle; }
    AuditVerificationModal > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AuditVerificationModal .dialog-title { text-style: bold; }
    AuditVerificationModal .-broken { color: $error; }
    AuditVerificationModal .-intact { color: $success; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close", id="dialog.close")]

    def __init__(self, result: AuditVerification) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        with VerticalScroll():
            yield Static(Text("Audit chain verification"), classes="dialog-title")
            if r.ok:
                verdict = "INTACT: every link and signed checkpoint checks."
                yield Static(Text(verdict), id="verify-verdict", classes="-intact")
            else:
                verdict = f"BROKEN at record {r.first_bad_seq}: {r.problem}"
                yield Static(Text(verdict), id="verify-verdict", classes="-broken")
            yield Static(self._grid())

    def _grid(self) -> Table:
        r = self.result
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=22, no_wrap=True, style="bold")
        grid.add_column()
        checked = r.records if r.ok else f"{r.records} (before the first bad one)"
        grid.add_row("Records verified", Text(str(checked)))
        grid.add_row("Signed checkpoints", Text(str(r.checkpoints)))
        grid.add_row("Anchors outside the DB", Text(str(r.anchors) if r.anchors else "none"))
        grid.add_row("Run at", Text(r.verified_at.isoformat(timespec="seconds")))
        return grid

    def action_close(self) -> None:
        self.dismiss(None)
