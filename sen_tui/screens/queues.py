"""The queues workspace: the user's queues as tabs, in the order the server gives them,
over a page of the selected queue.

Which queues, and what the user may do (write a report, search, acknowledge a row), comes
from ``/me`` and from each row's ``allowed_actions``: this screen keeps no rule of its own.
The queue refreshes in place when a live event arrives, keeping the cursor on the same
report. Pages come from the server by cursor (``]`` follows the page's ``next_cursor``); to
go back (``[``) the screen keeps the cursors it followed, one per page.

A report the user has just sent or amended (from a form opened here, or from a report
opened here) is where the cursor lands when the queue shows again: on this page if it is
here, else on the first page of the first tab, this one first, that holds it. Which tab
holds it is the server's answer (its queue pages), not a rule kept here.
"""

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, Tab, Tabs

from sen_tui.api import ApiError
from sen_tui.flows.coalesce import Coalesced
from sen_tui.formatting import count
from sen_tui.live import ConnectionState
from sen_tui.modals.pick_type import PickTypeModal
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.report_form import ReportFormScreen
from sen_tui.screens.search import SearchScreen
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.marking import MarkingBanner
from sen_tui.widgets.queue_rows import apply_event
from sen_tui.widgets.queue_table import LEGEND, SUMMARISED_LEGEND, QueueTable
from sen_tui.widgets.session_bar import SessionBar
from shared.enums import QueueBadge, ReportAction, WorkspaceAction
from shared.schemas import (
    EventPublic,
    QueueCount,
    QueuePage,
    QueueRef,
    ReportPublic,
    WorkspacePublic,
)

PAGES = Binding.Group("Page")
MAX_QUEUE_KEYS = 9


class QueuesScreen(WorkspaceScreen):
    BINDINGS = [
        Binding("n", "new_report", "New", id="report.new"),
        Binding("/", "search", "Search", id="report.search"),
        Binding("r", "refresh", "Refresh", id="queue.refresh", show=False),
        Binding("a", "acknowledge", "Acknowledge", id="report.acknowledge"),
        Binding("[", "page(-1)", "Previous page", id="queue.previous_page", group=PAGES),
        Binding("]", "page(1)", "Next page", id="queue.next_page", group=PAGES),
        *(
            Binding(
                str(n), f"show_queue({n - 1})", f"Show queue {n}", id=f"queue.show_{n}", show=False
            )
            for n in range(1, MAX_QUEUE_KEYS + 1)
        ),
        *WORKSPACE_BINDINGS,
    ]
    AUTO_FOCUS = "#queue-table"

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.queues: list[QueueRef] = list(workspace.queues)
        self.current = self.queues[0] if self.queues else None
        self.cursor: str | None = None  # the page shown starts after this (None: the first)
        self.earlier: list[str | None] = []  # the cursors of the pages before it, in order
        self.page: QueuePage | None = None
        self.followed: str | None = None  # a report to put the cursor on at the next load
        # Live changes: rows are updated in place from the events; counts, and pages the
        # events cannot update, are re-read at most once a second (flows.coalesce).
        self._reread = Coalesced(self, self.load_page)
        self._recount = Coalesced(self, self.load_counts)

    @property
    def ready(self) -> bool:
        return self.page is not None or self.current is None

    @property
    def catching_up(self) -> bool:
        """A re-read of the page or the counts is due (after an event, or on reconnecting)."""
        return self._reread.owed or self._recount.owed

    def compose(self) -> ComposeResult:
        if self.queues:
            # Titles, types and statuses of reports are report content: marked like a report
            # (at the very top, as on the report form).
            yield MarkingBanner()
        yield SessionBar(self.session)
        if self.queues:
            yield Tabs(*(Tab(q.label, id=f"queue-{q.name}") for q in self.queues), id="queues")
            yield QueueTable()
            yield Static("", id="queue-status")
            yield MarkingBanner(position="bottom")
        else:
            note = self.workspace.note or "The server offers you no queue here."
            yield Static(note, id="no-queues")
        yield SenFooter()

    def on_mount(self) -> None:
        self.session.events.subscribe(self, self.on_live_event)
        self.session.connection.subscribe(self, self.on_connection)
        if self.current is not None:
            self.load_page()

    # ---- loading --------------------------------------------------------------------

    @work(exclusive=True, group="queue", exit_on_error=False)
    async def load_page(self) -> None:
        if self.current is None:
            return
        queue = self.current
        client = self.session.client
        limit = self.session.settings.page_size
        page = await client.queue(queue.name, cursor=self.cursor, limit=limit)
        while not page.items and self.earlier:  # the page emptied under us: step back
            self.cursor = self.earlier.pop()
            page = await client.queue(queue.name, cursor=self.cursor, limit=limit)
        followed = self.followed
        if followed is not None and followed not in {i.id for i in page.items}:
            page = await self._find(followed) or page
        self.page = page
        self.query_one(QueueTable).show(page.items, cursor_on=followed)
        self.followed = None
        self.refresh_bindings()
        self.show_status()
        self.show_counts(await client.queue_counts())

    async def _find(self, report_id: str) -> QueuePage | None:
        """The first page, in this tab or else the first other tab, that holds the report;
        that tab becomes the current one. None: no tab shows it (no longer readable)."""
        assert self.current is not None
        others = [q for q in self.queues if q != self.current]
        first_here = [self.current] if self.cursor is not None else []  # else: just read
        limit = self.session.settings.page_size
        for queue in [*first_here, *others]:
            page = await self.session.client.queue(queue.name, cursor=None, limit=limit)
            if any(i.id == report_id for i in page.items):
                self.current, self.cursor, self.earlier = queue, None, []
                self.query_one(Tabs).active = f"queue-{queue.name}"  # no reload: it is current
                return page
        return None

    def follow(self, report_id: str | None) -> None:
        """Show the queue with the cursor on this report (sent or amended by the user)."""
        if report_id is not None and self.current is not None:
            self.followed = report_id
            self.load_page()

    def show_status(self) -> None:
        page, queue = self.page, self.current
        if page is None or queue is None:
            return
        if not page.items:
            # An empty tab says what it holds and why it is empty, in the server's words.
            text = f"{queue.label}: {queue.help or 'nothing here.'}"
        else:
            # Rows before this page: as many as the pages stepped over held, give or take the
            # reports that came and went since (cursors keep the place, not the number).
            number = len(self.earlier) + 1
            first = (number - 1) * page.limit + 1
            last = first + len(page.items) - 1
            text = f"{first:,}-{last:,} of {count(page.total, page.total_exact)} · page {number}"
            if page.total_exact:  # the number of pages is known
                text += f"/{max(number, -(-page.total // page.limit))}"
            text += f" · {count(page.unread, page.unread_exact)} unread · {LEGEND}"
            if any(item.summary_id is not None for item in page.items):
                text += f" {SUMMARISED_LEGEND}"
        self.query_one("#queue-status", Static).update(text)

    def show_counts(self, counts: dict[str, QueueCount]) -> None:
        """Each tab with the count the server says it shows: unread rows, or for a work
        list (review, triage) every row waiting."""
        for queue in self.queues:
            tab = self.query_one(f"#queue-{queue.name}", Tab)
            counted = counts.get(queue.name)
            shown = None
            if counted and queue.badge is QueueBadge.WAITING:
                shown = (counted.total, counted.total_exact)
            elif counted:
                shown = (counted.unread, counted.unread_exact)
            if shown and shown[0]:
                tab.label = f"{queue.label} ({count(*shown)})"
            else:
                tab.label = queue.label

    @work(exclusive=True, group="counts", exit_on_error=False)
    async def load_counts(self) -> None:
        counts = await self.session.client.queue_counts()
        self.show_counts(counts)
        counted = counts.get(self.current.name) if self.current else None
        if self.page is not None and counted is not None:
            self.page = self.page.model_copy(update=counted.model_dump())
            self.show_status()

    def on_live_event(self, event: EventPublic) -> None:
        """The event's row, as the server placed it for this reader, goes into the page in
        place: 300 watch officers receiving one report make no queue reads at all."""
        if event.row is None or self.page is None:
            self._reread.request()
            return
        items = apply_event(self.page, event, first_page=self.cursor is None)
        if items is not self.page.items:
            self.page = self.page.model_copy(update={"items": items})
            self.query_one(QueueTable).show(items)
            self.refresh_bindings()
        self._recount.request()

    def on_connection(self, state: ConnectionState) -> None:
        if state is ConnectionState.LIVE:
            self._reread.request()  # whatever happened while we were away

    def on_screen_resume(self) -> None:
        # Back from a report (or another workspace): read states and statuses changed.
        if self.current is not None and self.page is not None:
            self.load_page()

    # ---- navigation -----------------------------------------------------------------

    @on(Tabs.TabActivated, "#queues")
    def switch_queue(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix("queue-")
        queue = next((q for q in self.queues if q.name == name), None)
        if queue is not None and queue != self.current:
            self.current, self.cursor, self.earlier = queue, None, []
            self.load_page()

    def action_show_queue(self, index: int) -> None:
        if 0 <= index < len(self.queues):
            self.query_one(Tabs).active = f"queue-{self.queues[index].name}"

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        if step > 0 and self.page.next_cursor is not None:
            self.earlier.append(self.cursor)
            self.cursor = self.page.next_cursor
            self.load_page()
        elif step < 0 and self.earlier:
            self.cursor = self.earlier.pop()
            self.load_page()

    def action_refresh(self) -> None:
        self.load_page()

    @on(DataTable.RowHighlighted, "#queue-table")
    def row_highlighted(self) -> None:
        self.refresh_bindings()  # whether "Acknowledge" applies depends on the row

    @on(DataTable.RowSelected, "#queue-table")
    def open_report(self, event: DataTable.RowSelected) -> None:
        detail = ReportDetailScreen(self.session, str(event.row_key.value))
        self.app.push_screen(detail, callback=self.follow)

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        offered = self.workspace.actions
        if action == "new_report":
            return WorkspaceAction.NEW_REPORT in offered
        if action == "search":
            return WorkspaceAction.SEARCH in offered
        if action == "show_queue":  # only the tabs there are
            index = parameters[0] if parameters else -1
            return isinstance(index, int) and 0 <= index < len(self.queues)
        if action == "acknowledge":  # dimmed unless the row offers it
            if self.current is None:
                return False
            item = self.query_one(QueueTable).current_item
            return (item is not None and ReportAction.ACKNOWLEDGE in item.allowed_actions) or None
        if action == "page":  # dimmed where there is no page that way
            page, step = self.page, parameters[0] if parameters else 0
            if page is None:
                return None
            ahead = page.next_cursor is not None
            return (ahead if step == 1 else bool(self.earlier)) or None
        if action == "refresh":
            return self.current is not None
        return True

    def action_search(self) -> None:
        self.app.push_screen(SearchScreen(self.session))

    @work(exclusive=True, group="new-report", exit_on_error=False)
    async def action_new_report(self) -> None:
        me = self.session.me
        if me is None or not me.creatable_types:
            return
        code = await self.app.push_screen_wait(PickTypeModal(self.session, me.creatable_types))
        if not code:
            return
        # Fetched now, not from the catalogue read at sign-in: an administrator may have
        # changed the type's review rule since, and the form offers what is in force.
        spec = await self.session.client.report_type(code)
        # The server fills in what it knows (contacts from profiles, a SPOT's time).
        start = await self.session.client.new_report(code)
        await self.app.push_screen(
            ReportFormScreen(self.session, spec, start=start), callback=self.form_closed
        )

    def form_closed(self, sent: ReportPublic | None) -> None:
        self.follow(sent.id if sent is not None else None)

    @work(exclusive=True, group="acknowledge", exit_on_error=False)
    async def action_acknowledge(self) -> None:
        item = self.query_one(QueueTable).current_item
        if item is None:
            return
        try:
            await self.session.client.acknowledge(item.id)
        except ApiError as exc:
            self.notify(exc.detail, title=f"Acknowledge {item.id}", severity="error", markup=False)
            return
        self.notify(f"Acknowledged {item.id}.", title="Report", markup=False)
        self.load_page()
