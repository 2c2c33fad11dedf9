"""Legal holds (SPEC §8), opened from the administration workspace when the server offers
``manage_holds``: the holds in force (or all of them), placing one on a report by its ID
with a reason, and lifting one with a reason. A held report is neither transferred nor
destroyed by ``sen-server retention run``; the server refuses what is wrong (an unknown
report, a report already held) and the refusal is shown as it words it."""

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable
from sen_tui.widgets.session_bar import SessionBar
from shared.retention import LegalHoldPublic

REASON_MAX = 2000


def when(hold: LegalHoldPublic) -> str:
    return hold.placed_at.strftime("%Y-%m-%d %H:%M")


class LegalHoldsScreen(SenScreen[None]):
    DEFAULT_CSS = """
    LegalHoldsScreen #holds-table { height: 1fr; }
    LegalHoldsScreen #holds-status { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "place", "Place hold", id="holds.place"),
        Binding("l", "lift", "Lift hold", id="holds.lift"),
        Binding("a", "toggle_lifted", "Lifted too", id="holds.toggle_lifted"),
        Binding("r", "refresh", "Refresh", id="holds.refresh", show=False),
        Binding("escape", "close", "Back", id="holds.back"),
    ]
    AUTO_FOCUS = "#holds-table"

    def __init__(self, session: Session) -> None:
        super().__init__(id="legal-holds")
        self.session = session
        self.holds: list[LegalHoldPublic] | None = None
        self.show_lifted = False

    @property
    def ready(self) -> bool:
        return self.holds is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title="Legal holds")
        yield RowTable(id="holds-table")
        yield Static("Loading…", id="holds-status")
        yield SenFooter()

    def on_mount(self) -> None:
        self.load_holds()

    @work(exclusive=True, group="holds", exit_on_error=False)
    async def load_holds(self) -> None:
        self.holds = await self.session.client.legal_holds(active_only=not self.show_lifted)
        self.show_holds()

    def show_holds(self) -> None:
        table = self.query_one("#holds-table", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_columns("Report", "Placed", "By", "State", "Reason")
        for hold in self.holds or []:
            state = "in force" if hold.active else f"lifted by {hold.lifted_by}"
            table.add_row(
                Text(hold.report_id),
                Text(when(hold)),
                Text(hold.placed_by),
                Text(state),
                Text(hold.reason),
                key=str(hold.id),
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1), animate=False)
        shown = "holds in force and lifted" if self.show_lifted else "holds in force"
        count = len(self.holds or [])
        status = f"{count} {shown}." if count else "No legal hold is in force."
        self.query_one("#holds-status", Static).update(
            Text(f"{status} A held report is neither transferred nor destroyed.")
        )
        self.refresh_bindings()

    def selected(self) -> LegalHoldPublic | None:
        table = self.query_one("#holds-table", DataTable)
        if not table.row_count or self.holds is None:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((h for h in self.holds if str(h.id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lift":
            hold = self.selected()
            return None if hold is None or not hold.active else True
        return True

    def action_refresh(self) -> None:
        self.load_holds()

    def action_toggle_lifted(self) -> None:
        self.show_lifted = not self.show_lifted
        self.load_holds()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_place(self) -> None:
        report_id = await self.app.push_screen_wait(
            TextPromptModal(
                "Place a legal hold",
                "The ID of the report to hold, e.g. SIR-2026-000042.",
                confirm="Next",
                required=True,
                max_length=32,
            )
        )
        if not report_id:
            return
        reason = await self.app.push_screen_wait(
            TextPromptModal(
                f"Legal hold on {report_id}",
                "Why it is held (kept with the hold; shown to administrators).",
                confirm="Place hold",
                required=True,
                max_length=REASON_MAX,
            )
        )
        if not reason:
            return
        hold = await self.session.client.place_hold(report_id, reason)
        self.notify(f"{hold.report_id} is on hold.", title="Legal hold", markup=False)
        self.load_holds()

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_lift(self) -> None:
        hold = self.selected()
        if hold is None or not hold.active:
            return
        reason = await self.app.push_screen_wait(
            TextPromptModal(
                f"Lift the hold on {hold.report_id}",
                "Why the hold ends. The report then follows the records schedule again.",
                confirm="Lift hold",
                required=True,
                max_length=REASON_MAX,
            )
        )
        if not reason:
            return
        await self.session.client.lift_hold(hold.id, reason)
        self.notify(f"The hold on {hold.report_id} is lifted.", title="Legal hold", markup=False)
        self.load_holds()
