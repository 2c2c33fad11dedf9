"""The audit workspace (SPEC §9, §12): the audit log, newest first, one server page at a
time, narrowed by the filters ``GET /api/v1/audit`` takes: actor, action (or a group of
actions), object, outcome and time. Enter opens a record in full. Where the server offers
them: the failed-logon report (``l``) and a chain verification run on the server (``v``)."""

from dataclasses import replace
from datetime import datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import DataTable, Input, Select, Static

from sen_tui.api import AuditFilters
from sen_tui.modals.audit_record import AuditRecordModal
from sen_tui.modals.audit_verification import AuditVerificationModal
from sen_tui.screens.failed_logons import FailedLogonsScreen
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.audit_table import AuditTable
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.session_bar import SessionBar
from sen_tui.widgets.text_inputs import TextInput
from shared.audit_review import AuditPage
from shared.enums import AuditAction, AuditOutcome, WorkspaceAction
from shared.schemas import WorkspacePublic

PAGES = Binding.Group("Page")
# Relative to the session clock.
WITHIN = [
    ("Last hour", timedelta(hours=1)),
    ("Last 24 hours", timedelta(hours=24)),
    ("Last 7 days", timedelta(days=7)),
    ("Last 30 days", timedelta(days=30)),
]


def action_options() -> list[tuple[str, str]]:
    """Each group of actions ("auth.": every sign-in record), then each action. The server
    matches an action filter as a prefix, so a group is its name with the dot."""
    options: list[tuple[str, str]] = []
    groups: dict[str, list[str]] = {}
    for action in AuditAction:
        groups.setdefault(action.value.split(".", 1)[0], []).append(action.value)
    for group, actions in groups.items():
        options.append((f"{group}.* (all {len(actions)})", f"{group}."))
        options += [(f"  {action}", action) for action in actions]
    return options


class AuditScreen(WorkspaceScreen):
    BINDINGS = [
        Binding("o", "open_record", "Open", id="audit.open"),
        Binding("/", "focus_filters", "Filter", id="audit.filter"),
        Binding("escape", "focus_records", "To the records", id="audit.records", show=False),
        Binding("r", "refresh", "Refresh", id="audit.refresh", show=False),
        Binding("[", "page(-1)", "Previous page", id="audit.previous_page", group=PAGES),
        Binding("]", "page(1)", "Next page", id="audit.next_page", group=PAGES),
        Binding("l", "failed_logons", "Failed logons", id="audit.failed_logons"),
        Binding("v", "verify", "Verify", id="audit.verify"),
        *WORKSPACE_BINDINGS,
    ]
    AUTO_FOCUS = "#audit-table"
    # Narrow terminals put the filters on two rows (app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        # The cursor each page on the way here was read with (None: the newest page), so
        # that ``[`` goes back. The log grows at the top while it is read (reading is
        # audited too): pages are read up to the newest record of the first load, so that
        # the first page too is the same when the user comes back to it. Refreshing or
        # changing a filter reads the newest again.
        self.cursors: list[str | None] = [None]
        self.ceiling: datetime | None = None
        # How many records the pages before this one held (for "Records 51-100").
        self.shown_before: list[int] = [0]
        self.page: AuditPage | None = None
        # The verification a ``v`` started, while it runs (the footer says so).
        self.verifying = False

    @property
    def ready(self) -> bool:
        return self.page is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with Grid(id="audit-filters"):
            # Compact: at 80x24 the records need the room more than the filters do.
            yield TextInput(
                placeholder="Actor (username)", id="audit-actor", max_length=150, compact=True
            )
            yield TextInput(
                placeholder="Object ID", id="audit-object", max_length=100, compact=True
            )
            yield Select(WITHIN, prompt="Any time", id="audit-time", compact=True)
            yield Select(action_options(), prompt="Any action", id="audit-action", compact=True)
            yield Select(
                [(o.value, o.value) for o in AuditOutcome],
                prompt="Any outcome",
                id="audit-outcome",
                compact=True,
            )
        yield AuditTable()
        yield Static("", id="audit-status")
        yield SenFooter()

    def on_mount(self) -> None:
        self.start_over()

    # ---- loading --------------------------------------------------------------------

    def offers(self, action: WorkspaceAction) -> bool:
        return action in self.workspace.actions

    def filters(self) -> AuditFilters:
        def text(selector: str) -> str | None:
            return self.query_one(selector, Input).value.strip() or None

        def chosen(selector: str) -> object:
            value = self.query_one(selector, Select).value
            return None if value is Select.BLANK else value

        within = chosen("#audit-time")
        outcome = chosen("#audit-outcome")
        action = chosen("#audit-action")
        since: datetime | None = None
        if isinstance(within, timedelta):
            since = self.session.now() - within
        return AuditFilters(
            actor=text("#audit-actor"),
            action=action if isinstance(action, str) else None,
            object_id=text("#audit-object"),
            outcome=AuditOutcome(outcome) if isinstance(outcome, str) else None,
            since=since,
        )

    @work(exclusive=True, group="audit", exit_on_error=False)
    async def load_page(self) -> None:
        filters = self.filters()
        if self.ceiling is not None:
            filters = replace(filters, until=self.ceiling)
        page = await self.session.client.audit(
            filters, cursor=self.cursors[-1], limit=self.session.settings.page_size
        )
        if self.ceiling is None and page.items:
            self.ceiling = page.items[0].at + timedelta(microseconds=1)
        self.page = page
        self.query_one(AuditTable).show(page.items)
        self.show_status()
        self.refresh_bindings()

    def show_status(self) -> None:
        page = self.page
        if page is None:
            return
        if not page.items:
            text = "No audit record matches these filters."
        else:
            first = self.shown_before[-1] + 1
            last = self.shown_before[-1] + len(page.items)
            number = len(self.cursors)
            more = "] for older" if page.next_cursor is not None else "the oldest page"
            text = f"Records {first}-{last}, newest first · page {number} · {more}"
        self.query_one("#audit-status", Static).update(text)

    def start_over(self) -> None:
        """The newest page for the filters as they are now."""
        self.cursors, self.shown_before, self.ceiling = [None], [0], None
        self.load_page()

    @on(Input.Submitted, "#audit-filters Input")
    def typed_filter(self) -> None:
        self.start_over()
        self.query_one(AuditTable).focus()

    @on(Select.Changed, "#audit-filters Select")
    def chose_filter(self) -> None:
        self.start_over()

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        page = self.page
        if action == "page":
            if page is None:
                return None
            step = parameters[0] if parameters else 0
            has_more = page.next_cursor is not None if step == 1 else len(self.cursors) > 1
            return has_more or None
        if action == "open_record":
            return self.query_one(AuditTable).current_record is not None or None
        if action == "failed_logons":
            return self.offers(WorkspaceAction.FAILED_LOGONS) or False
        if action == "verify":
            if not self.offers(WorkspaceAction.VERIFY_AUDIT):
                return False
            return not self.verifying or None
        return True

    def action_page(self, step: int) -> None:
        page = self.page
        if page is None:
            return
        if step > 0 and page.next_cursor is not None:
            self.cursors.append(page.next_cursor)
            self.shown_before.append(self.shown_before[-1] + len(page.items))
        elif step < 0 and len(self.cursors) > 1:
            self.cursors.pop()
            self.shown_before.pop()
        else:
            return
        self.load_page()

    def action_failed_logons(self) -> None:
        if self.offers(WorkspaceAction.FAILED_LOGONS):
            self.app.push_screen(FailedLogonsScreen(self.session))

    def action_verify(self) -> None:
        if self.offers(WorkspaceAction.VERIFY_AUDIT) and not self.verifying:
            self.verifying = True
            self.refresh_bindings()
            self.notify("Verifying the audit chain on the server…", timeout=3)
            self.run_verification()

    @work(exclusive=True, group="audit-verify", exit_on_error=False)
    async def run_verification(self) -> None:
        try:
            result = await self.session.client.verify_audit()
        finally:
            self.verifying = False
            self.refresh_bindings()
        self.app.push_screen(AuditVerificationModal(result))
        # The run is on the record: the newest page shows it.
        if len(self.cursors) == 1:
            self.start_over()

    def action_refresh(self) -> None:
        self.start_over()

    def action_focus_filters(self) -> None:
        self.query_one("#audit-actor", Input).focus()

    def action_focus_records(self) -> None:
        self.query_one(AuditTable).focus()

    @on(DataTable.RowHighlighted, "#audit-table")
    def row_highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#audit-table")
    def action_open_record(self) -> None:
        record = self.query_one(AuditTable).current_record
        if record is not None:
            self.app.push_screen(AuditRecordModal(record))
