"""The administration workspace: the workflow rules as the server stores them (SPEC §3, §4).

Routing rules (who receives each type on submission) and review rules (whether a type needs
a supervisor's approval) are read from the API. An administrator may change a type's review
rule here; routing rules, accounts and offices are edited with ``sen-server`` for now.
"""

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from sen_tui.formatting import words
from sen_tui.modals.choice import ChoiceModal
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
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
NOTE = "Routing rules, accounts and offices are changed with sen-server for now."


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
        Binding("c", "change_review_rule", "Change review rule", id="rules.change_review"),
        Binding("r", "refresh", "Refresh", id="rules.refresh", show=False),
        Binding("g", "show_tab('routing-rules')", "Routing", id="rules.routing", show=False),
        Binding("v", "show_tab('review-rules')", "Review", id="rules.review", show=False),
        *WORKSPACE_BINDINGS,
    ]

    AUTO_FOCUS = "#routing-rules-box"

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.routing: dict[str, list[str]] | None = None
        self.review: dict[str, ReviewPolicy] | None = None

    @property
    def ready(self) -> bool:
        return self.routing is not None and self.review is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with TabbedContent(id="admin-tabs"):
            # Read-only here, so a table that wraps: the targets of a type are a long line.
            with (
                TabPane("Routing rules", id="routing-rules"),
                VerticalScroll(id="routing-rules-box"),
            ):
                yield Static("Loading…", id="routing-rules-text")
            with TabPane("Review rules", id="review-rules"):
                yield DataTable(id="review-rules-table", cursor_type="row")
        yield Static(self.workspace.note or NOTE, id="admin-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
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
        if action == "change_review_rule":
            if WorkspaceAction.EDIT_RULES not in self.workspace.actions:
                return False
            return self.query_one(TabbedContent).active == "review-rules" or None
        return True

    @on(TabbedContent.TabActivated, "#admin-tabs")
    def tab_changed(self) -> None:
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab}-box" if tab == "routing-rules" else f"#{tab}-table").focus()

    def action_refresh(self) -> None:
        self.load_rules()

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
