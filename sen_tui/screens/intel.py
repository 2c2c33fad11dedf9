"""The intelligence workspace (SPEC §6, §12): leads to triage, intel products (opened in the
product editor) and the accounting of disclosures per report or per person.

What a user may do comes from the server: the workspace's actions in ``/me``, each lead's
``allowed_moves`` and each product's ``allowed_actions``."""

import re
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.intel_product import ProductScreen
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable
from sen_tui.widgets.session_bar import SessionBar
from shared.enums import WorkspaceAction
from shared.intel import (
    DisclosurePublic,
    LeadPublic,
    ProductSummary,
    TriageState,
)
from shared.schemas import WorkspacePublic

W = WorkspaceAction
A_NUMBER = re.compile(r"^[Aa]\d{8,9}$")
REPORT_ID = re.compile(r"^[A-Z_]+-\d{4}-\d+$")
STATE_WORDS = {
    TriageState.NEW: "new",
    TriageState.REVIEWED: "reviewed",
    TriageState.FLAGGED_FOR_HSI: "flagged for HSI",
    TriageState.NO_ACTION: "no action",
}
MOVE_KEYS = {
    "reviewed": TriageState.REVIEWED,
    "flag": TriageState.FLAGGED_FOR_HSI,
    "no_action": TriageState.NO_ACTION,
}


class IntelScreen(WorkspaceScreen):
    CSS_PATH = Path(__file__).parent.parent / "styles" / "intel.tcss"
    BINDINGS = [
        Binding("v", "move('reviewed')", "Reviewed", id="intel.reviewed"),
        Binding("f", "move('flag')", "Flag for HSI", id="intel.flag"),
        Binding("n", "move('no_action')", "No action", id="intel.no_action"),
        Binding("c", "create_product", "New product", id="intel.new_product"),
        Binding("o", "open_product", "Open product", id="intel.open_product"),
        Binding("slash", "find_disclosures", "Disclosures of…", id="intel.disclosures"),
        Binding("r", "refresh", "Refresh", id="intel.refresh", show=False),
        Binding("1", "show_tab('leads')", "Leads", id="intel.leads", show=False),
        Binding("2", "show_tab('products')", "Products", id="intel.products", show=False),
        Binding("3", "show_tab('disclosures')", "Disclosures", id="intel.accounting", show=False),
        *WORKSPACE_BINDINGS,
    ]
    AUTO_FOCUS = "#intel-leads-table"

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.leads: list[LeadPublic] | None = None
        self.counts: dict[str, int] = {}
        self.products: list[ProductSummary] | None = None
        self.found: list[DisclosurePublic] = []

    @property
    def ready(self) -> bool:
        return self.leads is not None and self.products is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with TabbedContent(id="intel-tabs"):
            with TabPane("Leads", id="leads"):
                yield Static("Loading…", id="intel-counts")
                yield RowTable(id="intel-leads-table")
            with TabPane("Products", id="products"):
                yield RowTable(id="intel-products-table")
            with TabPane("Disclosures", id="disclosures"):
                yield Static(
                    "Press / and give a report ID, an A-number or a name.", id="intel-query"
                )
                yield RowTable(id="intel-disclosures-table")
        yield SenFooter()

    def on_mount(self) -> None:
        if not self.offers(W.READ_LEADS):  # an auditor: the accounting only
            tabs = self.query_one(TabbedContent)
            tabs.hide_tab("leads")
            tabs.hide_tab("products")
            tabs.active = "disclosures"
            self.query_one("#intel-disclosures-table").focus()
        self.load()

    def offers(self, action: WorkspaceAction) -> bool:
        return action in self.workspace.actions

    @work(exclusive=True, group="intel-load", exit_on_error=False)
    async def load(self) -> None:
        client = self.session.client
        if self.offers(W.READ_LEADS):
            listed = await client.leads()
            self.leads, self.counts = listed.items, listed.counts
        else:
            self.leads, self.counts = [], {}
        self.products = await client.products() if self.offers(W.READ_PRODUCTS) else []
        self.show()

    def show(self) -> None:
        counts = "  ".join(f"{STATE_WORDS[TriageState(k)]}: {v}" for k, v in self.counts.items())
        waiting = self.counts.get(TriageState.NEW, 0)
        self.query_one("#intel-counts", Static).update(
            Text(f"Awaiting triage: {waiting}   ({counts})")
        )
        leads = self.query_one("#intel-leads-table", DataTable)
        keep = leads.cursor_row
        leads.clear(columns=True)
        leads.add_columns("Lead", "Triage", "Priority", "Title")
        for lead in self.leads or []:
            leads.add_row(
                lead.report_id,
                STATE_WORDS[lead.triage_state],
                lead.priority,
                Text(lead.title),
                key=lead.report_id,
            )
        if leads.row_count:
            leads.move_cursor(row=min(keep, leads.row_count - 1), animate=False)
        products = self.query_one("#intel-products-table", DataTable)
        keep = products.cursor_row
        products.clear(columns=True)
        products.add_columns("Product", "Status", "Author", "Leads", "Title")
        for p in self.products or []:
            products.add_row(
                f"IP-{p.id}",
                p.status.value,
                p.author,
                str(p.lead_count),
                Text(p.title),
                key=str(p.id),
            )
        if products.row_count:
            products.move_cursor(row=min(keep, products.row_count - 1), animate=False)
        self.refresh_bindings()

    def show_disclosures(self, asked: str) -> None:
        self.query_one("#intel-query", Static).update(
            Text(f"Disclosures of {asked}: {len(self.found)}")
        )
        table = self.query_one("#intel-disclosures-table", DataTable)
        table.clear(columns=True)
        table.add_columns("When (UTC)", "Agency", "Product", "Channel", "Reports", "Purpose")
        for d in self.found:
            table.add_row(
                f"{d.disclosed_at:%Y-%m-%d %H:%M}",
                Text(d.agency_name),
                f"IP-{d.product_id}",
                d.channel.value,
                ", ".join(d.report_ids),
                Text(d.purpose),
                key=str(d.id),
            )

    # ---- what is selected -----------------------------------------------------------

    @property
    def tab(self) -> str:
        return str(self.query_one(TabbedContent).active)

    def current_lead(self) -> LeadPublic | None:
        table = self.query_one("#intel-leads-table", DataTable)
        if self.leads is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((lead for lead in self.leads if lead.report_id == key), None)

    def current_product(self) -> ProductSummary | None:
        table = self.query_one("#intel-products-table", DataTable)
        if self.products is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((p for p in self.products if str(p.id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            if not self.offers(W.TRIAGE_LEADS) or self.tab != "leads":
                return False
            lead = self.current_lead()
            wanted = MOVE_KEYS.get(str(parameters[0]))
            return bool(lead and wanted in lead.allowed_moves) or None
        if action == "create_product":
            if not self.offers(W.WRITE_PRODUCTS) or self.tab != "leads":
                return False
            return self.current_lead() is not None or None
        if action == "open_product":
            return self.tab == "products" and self.current_product() is not None
        if action == "find_disclosures":  # the Disclosures tab's own key (3 goes there)
            return self.offers(W.READ_DISCLOSURES) and self.tab == "disclosures"
        return True

    @on(TabbedContent.TabActivated, "#intel-tabs")
    @on(DataTable.RowHighlighted)
    def selection_changed(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#intel-products-table")
    def product_chosen(self) -> None:
        self.action_open_product()  # enter on a row: the table takes the key first

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#intel-{tab}-table").focus()

    def action_refresh(self) -> None:
        self.load()

    # ---- actions --------------------------------------------------------------------

    @work(exclusive=True, group="intel-change", exit_on_error=False)
    async def action_move(self, move: str) -> None:
        lead = self.current_lead()
        state = MOVE_KEYS[move]
        if lead is None or state not in lead.allowed_moves:
            return
        note = await self.app.push_screen_wait(
            TextPromptModal(
                f"{lead.report_id}: {STATE_WORDS[state]}",
                "A note for the triage history (optional).",
                confirm="Save",
                required=False,
                max_length=2000,
            )
        )
        if note is None:
            return
        await self.session.client.triage(lead.report_id, state, note)
        self.notify(f"{lead.report_id} is now {STATE_WORDS[state]}.", title="Triage", markup=False)
        self.load()

    @work(exclusive=True, group="intel-change", exit_on_error=False)
    async def action_create_product(self) -> None:
        lead = self.current_lead()
        if lead is None:
            return
        title = await self.app.push_screen_wait(
            TextPromptModal(
                f"New product from {lead.report_id}",
                "Its title. The product starts with every personal-data field removed.",
                confirm="Create",
                required=True,
                max_length=300,
            )
        )
        if not title:
            return
        made = await self.session.client.create_product([lead.report_id], title)
        self.load()
        await self.app.push_screen_wait(ProductScreen(self.session, made))
        self.load()

    @work(exclusive=True, group="intel-open", exit_on_error=False)
    async def action_open_product(self) -> None:
        summary = self.current_product()
        if summary is None:
            return
        product = await self.session.client.product(summary.id)
        await self.app.push_screen_wait(ProductScreen(self.session, product))
        self.load()

    @work(exclusive=True, group="intel-find", exit_on_error=False)
    async def action_find_disclosures(self) -> None:
        asked = await self.app.push_screen_wait(
            TextPromptModal(
                "Accounting of disclosures",
                "A report ID (ERO_LEAD-2026-000001), an A-number or a person's name.",
                confirm="Find",
                required=True,
                max_length=300,
            )
        )
        if not asked:
            return
        client = self.session.client
        if REPORT_ID.match(asked):
            self.found = await client.disclosures(report_id=asked)
        elif A_NUMBER.match(asked):
            self.found = await client.disclosures(a_number=asked)
        else:
            self.found = await client.disclosures(name=asked)
        self.query_one(TabbedContent).active = "disclosures"
        self.show_disclosures(asked)
