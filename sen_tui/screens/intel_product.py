"""The product editor (SPEC §6): the product as it would leave, the personal-data fields
removed from its leads, and those put back with their justifications (what the second
analyst weighs before authorizing). Keys: put a field back (b, asks for the justification),
authorize (a), disseminate (d), esc back."""

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from sen_tui.modals.disseminate import DisseminateModal
from sen_tui.modals.prompt import ConfirmModal, TextPromptModal
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable
from sen_tui.widgets.session_bar import SessionBar
from shared.intel import MIN_JUSTIFICATION, ProductAction, ProductPublic, PutBack

A = ProductAction


def leaves(value: Any, prefix: str) -> list[tuple[str, str]]:
    """A lead's released body as (field path in words, value) lines, for reading."""
    if isinstance(value, dict):
        return [pair for key, inner in value.items() for pair in leaves(inner, f"{prefix}{key} ")]
    if isinstance(value, list):
        return [
            pair for i, inner in enumerate(value) for pair in leaves(inner, f"{prefix}{i + 1} ")
        ]
    if value in (None, "", []):
        return []
    return [(prefix.strip().replace("_", " "), str(value))]


class ProductScreen(SenScreen[None]):
    CSS_PATH = Path(__file__).parent.parent / "styles" / "intel.tcss"
    BINDINGS = [
        Binding("b", "put_back", "Put back…", id="product.put_back"),
        Binding("a", "authorize", "Authorize", id="product.authorize"),
        Binding("d", "disseminate", "Disseminate", id="product.disseminate"),
        Binding("escape", "close", "Back", id="product.back"),
    ]
    AUTO_FOCUS = "#product-removed"

    def __init__(self, session: Session, product: ProductPublic) -> None:
        super().__init__(id="intel-product")
        self.session = session
        self.product = product

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=f"Intel product IP-{self.product.id}")
        # The marking and title stay in view however far the fields below are scrolled.
        yield Static(id="product-head")
        with VerticalScroll(id="product-body"):
            yield Static("Removed personal data (b puts the selected one back)", classes="intel-h")
            yield RowTable(id="product-removed")
            yield Static("Put back, with justification", classes="intel-h")
            yield Static(id="product-put-backs")
            yield Static("What leaves, per lead (removed fields left out)", classes="intel-h")
            yield Static(id="product-content")
        yield SenFooter()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        p = self.product
        by = f" by {p.authorized_by}" if p.authorized_by else ""
        head = Text()
        head.append(f"{p.marking}\n", style="bold")
        head.append(f"{p.title}\n", style="bold")
        head.append(f"{p.status.value}{by} · revision {p.revision} · written by {p.author}\n")
        head.append(f"Leads: {', '.join(p.lead_ids)}\n")
        if p.summary:
            head.append(f"{p.summary}\n")
        if p.caveats:
            head.append(f"Caveats: {p.caveats}\n")
        self.query_one("#product-head", Static).update(head)
        content = Text()
        for lead_id in p.lead_ids:
            content.append(f"{lead_id}\n", style="bold")
            for name, value in leaves(p.content.get(lead_id, {}), ""):
                content.append(f"  {name}: ", style="dim")
                content.append(f"{value}\n")
        self.query_one("#product-content", Static).update(content)
        table = self.query_one("#product-removed", DataTable)
        table.clear(columns=True)
        table.add_columns("Lead", "Field")
        for item in p.removed:
            table.add_row(item.report_id, Text(item.label), key=f"{item.report_id}|{item.field}")
        put_backs = Text()
        for pb in p.put_backs:
            put_backs.append(f"{pb.report_id} · {pb.label} ({pb.by}): ", style="bold")
            put_backs.append(f"{pb.justification}\n")
        self.query_one("#product-put-backs", Static).update(put_backs or Text("None."))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = self.product.allowed_actions
        if action == "put_back":
            if A.EDIT not in allowed:
                return False
            return bool(self.product.removed) or None
        if action == "authorize":
            return A.AUTHORIZE in allowed
        if action == "disseminate":
            return A.DISSEMINATE in allowed
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    @on(DataTable.RowHighlighted)
    def row_changed(self) -> None:
        self.refresh_bindings()

    @work(exclusive=True, group="product-change", exit_on_error=False)
    async def action_put_back(self) -> None:
        table = self.query_one("#product-removed", DataTable)
        if not table.row_count:
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        report_id, _, field = key.partition("|")
        label = next(
            r.label for r in self.product.removed if (r.report_id, r.field) == (report_id, field)
        )
        justification = await self.app.push_screen_wait(
            TextPromptModal(
                f"Put back {label} of {report_id}",
                f"Why must this personal data be shared? At least {MIN_JUSTIFICATION} "
                "characters; the authorizing analyst reads it, and an authorization is voided.",
                confirm="Put back",
                required=True,
                max_length=2000,
            )
        )
        if not justification:
            return
        put = PutBack(report_id=report_id, field=field, justification=justification)
        self.product = await self.session.client.put_back(self.product, put)
        self.show()
        self.notify(f"{label} is put back.", title="Product", markup=False)

    @work(exclusive=True, group="product-change", exit_on_error=False)
    async def action_authorize(self) -> None:
        p = self.product
        question = (
            f"Authorize IP-{p.id} revision {p.revision} for dissemination? "
            f"{len(p.removed)} personal-data fields stay removed, {len(p.put_backs)} are put back."
        )
        if not await self.app.push_screen_wait(
            ConfirmModal(f"Authorize IP-{p.id}", question, confirm="Authorize")
        ):
            return
        self.product = await self.session.client.authorize(p)
        self.show()
        self.notify(f"IP-{p.id} is authorized.", title="Product", markup=False)

    @work(exclusive=True, group="product-change", exit_on_error=False)
    async def action_disseminate(self) -> None:
        p = self.product
        agencies = await self.session.client.agencies()
        chosen = await self.app.push_screen_wait(
            DisseminateModal(f"Disseminate IP-{p.id}", agencies)
        )
        if chosen is None:
            return
        done = await self.session.client.disseminate(
            p, chosen.agency_id, chosen.purpose, chosen.channel
        )
        self.notify(
            f"IP-{p.id} sent to {done.agency_name} ({done.channel.value}, encrypted); "
            "the disclosure is accounted for.",
            title="Disseminated",
            markup=False,
        )
