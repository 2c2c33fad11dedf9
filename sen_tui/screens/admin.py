"""The administration workspace: accounts and offices (SPEC §1, §10), the workflow rules
as the server stores them (SPEC §3, §4), distribution lists (§5) and outside agencies (§6).

The Users, Offices, Lists and Agencies tabs are shown when the server offers them
(``manage_users``, ``manage_offices``, ``manage_lists``, ``manage_agencies``); each is a
pane with its own keys (``widgets.admin_users``, ``widgets.admin_offices``,
``widgets.admin_lists``, ``widgets.admin_agencies``). Routing rules (who receives each
type on submission) and review rules (whether a type needs a supervisor's approval) are
read from the API; an administrator changes a type's routing or review rule here (``c``
on either tab).
"""

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from sen_tui.formatting import words
from sen_tui.modals.admin_form import FormField, FormModal
from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.pick_type import PickTypeModal
from sen_tui.screens.legal_holds import LegalHoldsScreen
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.admin_agencies import AgenciesPane
from sen_tui.widgets.admin_lists import ListsPane
from sen_tui.widgets.admin_offices import OfficesPane
from sen_tui.widgets.admin_users import UsersPane
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable
from sen_tui.widgets.session_bar import SessionBar
from shared.catalogue import send_actions
from shared.enums import ReportAction, ReportType, WorkspaceAction
from shared.fields import ReviewPolicy
from shared.schemas import WorkspacePublic

REVIEW_CHOICES = {
    ReviewPolicy.MANDATORY: "Mandatory",
    ReviewPolicy.ELECTIVE: "Elective",
    ReviewPolicy.NONE: "None",
}
NOTE = "Targets: author_chain, broadcast, aor:<office kind>, office_kind:<office kind>"


def target_words(target: str) -> str:
    """A routing target as an administrator reads it."""
    scope, _, kind = target.partition(":")
    if target == "author_chain":
        return "author's office chain"
    if target == "broadcast":
        return "every user (broadcast)"
    if scope == "aor":
        return f"{kind} of the author's AOR"
    if scope == "office_kind":
        return f"every {kind} office"
    return target


def author_may(policy: ReviewPolicy) -> str:
    """What the author of a draft may do under a policy (the one shared function says)."""
    offered = send_actions(policy)
    choices = [
        label
        for action, label in (
            (ReportAction.SUBMIT, "submit"),
            (ReportAction.REQUEST_REVIEW, "ask review"),
        )
        if action in offered
    ]
    return " or ".join(choices)


class AdminScreen(WorkspaceScreen):
    BINDINGS = [
        # One key, one action per tab: the footer shows the one the tab offers.
        Binding("c", "change_review_rule", "Change review rule", id="rules.change_review"),
        Binding("c", "change_routing_rule", "Change routing", id="rules.change_routing"),
        Binding("r", "refresh", "Refresh", id="rules.refresh", show=False),
        Binding("g", "show_tab('routing-rules')", "Routing", id="rules.routing", show=False),
        Binding("v", "show_tab('review-rules')", "Review", id="rules.review", show=False),
        Binding("s", "show_tab('users')", "Users", id="admin.users", show=False),
        Binding("o", "show_tab('offices')", "Offices", id="admin.offices", show=False),
        Binding("h", "legal_holds", "Legal holds", id="holds.open", show=False),
        Binding("l", "show_tab('lists')", "Lists", id="admin.lists", show=False),
        Binding("i", "show_tab('agencies')", "Agencies", id="admin.agencies", show=False),
        *WORKSPACE_BINDINGS,
    ]

    # The first tab's main widget (in document order, the first that is shown is focused).
    AUTO_FOCUS = "#users-table, #routing-rules-box"
    TAB_FOCUS = {
        "users": "#users-table",
        "offices": "#offices-table",
        "routing-rules": "#routing-rules-box",
        "review-rules": "#review-rules-table",
        "lists": "#lists-table",
        "agencies": "#agencies-table",
    }

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.routing: dict[str, list[str]] | None = None
        self.review: dict[str, ReviewPolicy] | None = None
        self.tabs = [
            tab
            for tab, offered in (
                ("users", WorkspaceAction.MANAGE_USERS in workspace.actions),
                ("offices", WorkspaceAction.MANAGE_OFFICES in workspace.actions),
                ("routing-rules", True),
                ("review-rules", True),
                ("lists", WorkspaceAction.MANAGE_LISTS in workspace.actions),
                ("agencies", WorkspaceAction.MANAGE_AGENCIES in workspace.actions),
            )
            if offered
        ]

    @property
    def ready(self) -> bool:
        users = self.query(UsersPane)
        return (
            self.routing is not None
            and self.review is not None
            and all(pane.users is not None for pane in users)
            and all(pane.lists is not None for pane in self.query(ListsPane))
            and all(pane.agencies is not None for pane in self.query(AgenciesPane))
        )

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with TabbedContent(id="admin-tabs"):
            if "users" in self.tabs:
                with TabPane("Users", id="users"):
                    yield UsersPane(self.session)
            if "offices" in self.tabs:
                with TabPane("Offices", id="offices"):
                    yield OfficesPane(self.session)
            # Read-only here, so a table that wraps: the targets of a type are a long line.
            with (
                TabPane("Routing rules", id="routing-rules"),
                VerticalScroll(id="routing-rules-box"),
            ):
                yield Static("Loading…", id="routing-rules-text")
            with TabPane("Review rules", id="review-rules"):
                yield RowTable(id="review-rules-table")
            if "lists" in self.tabs:
                with TabPane("Lists", id="lists"):
                    yield ListsPane(self.session)
            if "agencies" in self.tabs:
                with TabPane("Agencies", id="agencies"):
                    yield AgenciesPane(self.session)
        yield Static(self.workspace.note or NOTE, id="admin-note")
        yield SenFooter()

    def on_mount(self) -> None:
        self.query_one("#admin-note").display = self.tabs[0] == "routing-rules"
        self.load_rules()

    @work(exclusive=True, group="rules", exit_on_error=False)
    async def load_rules(self) -> None:
        client = self.session.client
        if WorkspaceAction.READ_RULES in self.workspace.actions:
            self.routing = await client.routing_rules()
            self.review = await client.review_rules()
        else:
            self.routing, self.review = {}, {}
        self.show_rules()

    def show_rules(self) -> None:
        routing = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
        routing.add_column("Type", style="bold", no_wrap=True, width=9)
        routing.add_column("Routed on submission to", ratio=1)
        for code, targets in (self.routing or {}).items():
            routed = "; ".join(target_words(t) for t in targets) or "only hand-added recipients"
            routing.add_row(code, Text(routed))
        self.query_one("#routing-rules-text", Static).update(routing)
        review = self.query_one("#review-rules-table", DataTable)
        keep = review.cursor_row
        review.clear(columns=True)
        review.add_columns("Type", "Review", "The author may")
        for code, policy in (self.review or {}).items():
            review.add_row(
                Text(code), Text(words(policy.value)), Text(author_may(policy)), key=code
            )
        if review.row_count:
            review.move_cursor(row=min(keep, review.row_count - 1), animate=False)
        self.refresh_bindings()

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "legal_holds":
            return WorkspaceAction.MANAGE_HOLDS in self.workspace.actions
        if action == "show_tab" and parameters and parameters[0] not in self.tabs:
            return False
        if action in {"change_review_rule", "change_routing_rule"}:
            if WorkspaceAction.EDIT_RULES not in self.workspace.actions:
                return False
            tab = "review-rules" if action == "change_review_rule" else "routing-rules"
            return self.query_one(TabbedContent).active == tab
        return True

    @on(TabbedContent.TabActivated, "#admin-tabs")
    def tab_changed(self) -> None:
        # The note says how routing targets are written: the other tabs need the line.
        active = self.query_one(TabbedContent).active
        self.query_one("#admin-note").display = active == "routing-rules"
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(self.TAB_FOCUS[tab]).focus()

    def action_refresh(self) -> None:
        self.load_rules()

    def action_legal_holds(self) -> None:
        self.app.push_screen(LegalHoldsScreen(self.session))

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_change_routing_rule(self) -> None:
        if self.routing is None:
            return
        types = [ReportType(code) for code in self.routing]
        code = await self.app.push_screen_wait(
            PickTypeModal(self.session, types, prompt="Change the routing of which type?")
        )
        if code is None:
            return
        client = self.session.client

        async def save(values: dict[str, str]) -> dict[str, list[str]]:
            targets = [t.strip() for t in values["targets"].split(",") if t.strip()]
            return await client.set_routing_rule(ReportType(code), targets)

        field = FormField(
            "targets",
            "Routed to",
            ", ".join(self.routing.get(code, [])),
            hint="empty: only hand-added recipients",
            max_length=500,
        )
        saved = await self.app.push_screen_wait(
            FormModal(f"Routing of {code} on submission", [field], save, confirm="Save")
        )
        if saved is not None:
            self.routing = saved
            self.show_rules()
            self.notify(f"{code}: routing changed.", title="Routing rules", markup=False)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_change_review_rule(self) -> None:
        table = self.query_one("#review-rules-table", DataTable)
        if self.review is None or not table.row_count:
            return
        code = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        current = self.review.get(code)
        choices = [(policy.value, label) for policy, label in REVIEW_CHOICES.items()]
        question = (
            f"Review rule for {code}, now {current.value if current else 'unset'}. Drafts "
            "already written follow the new rule from their next send."
        )
        picked = await self.app.push_screen_wait(
            ChoiceModal(f"Review rule: {code}", question, choices, default=str(current or ""))
        )
        if picked is None or picked == current:
            return
        self.review = await self.session.client.set_review_rule(
            ReportType(code), ReviewPolicy(picked)
        )
        self.show_rules()
        self.notify(f"{code}: review is now {picked}.", title="Review rule", markup=False)
