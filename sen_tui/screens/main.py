"""The main screen: queues by role (tabs) over a page of the selected queue.

The queue refreshes in place when a live event arrives (or on each poll while the server
has no event stream), keeping the cursor on the same report.
"""

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static, Tab, Tabs

from sen_tui.client import ApiError
from sen_tui.live import ConnectionState
from sen_tui.modals.pick_type import PickTypeModal
from sen_tui.queues import QueueView, queues_for
from sen_tui.screens.base import SenScreen
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.report_form import ReportFormScreen
from sen_tui.screens.search import SearchScreen
from sen_tui.session import Session
from sen_tui.widgets.queue_table import LEGEND, QueueTable
from sen_tui.widgets.session_bar import SessionBar
from shared.schemas import EventPublic, QueueCount, QueuePage

PAGES = Binding.Group("Page")
REFRESH_DEBOUNCE = 0.3  # a burst of events (a routed submission) makes one refresh


class MainScreen(SenScreen[None]):
    BINDINGS = [
        Binding("n", "new_report", "New", id="report.new"),
        Binding("/", "search", "Search", id="report.search"),
        Binding("r", "refresh", "Refresh", id="queue.refresh", show=False),
        Binding("a", "acknowledge", "Acknowledge", id="report.acknowledge"),
        Binding("[", "page(-1)", "Previous page", id="queue.previous_page", group=PAGES),
        Binding("]", "page(1)", "Next page", id="queue.next_page", group=PAGES),
        Binding("p", "app.change_password", "Change password", id="session.password", show=False),
        Binding("x", "app.log_out", "Log out", id="session.log_out"),
        *(
            Binding(
                str(n), f"show_queue({n - 1})", f"Show queue {n}", id=f"queue.show_{n}", show=False
            )
            for n in range(1, 7)
        ),
    ]
    AUTO_FOCUS = "#queue-table"

    def __init__(self, session: Session) -> None:
        super().__init__(id="main")
        self.session = session
        self.views: list[QueueView] = queues_for(session.me) if session.me else []
        self.current = self.views[0] if self.views else None
        self.page_offset = 0
        self.page: QueuePage | None = None
        self._refresh_pending = False

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session)
        if self.views:
            yield Tabs(*(Tab(v.label, id=f"queue-{v.name}") for v in self.views), id="queues")
            yield QueueTable()
            yield Static("", id="queue-status")
        else:
            yield Static(
                "Your roles see no report content (SPEC §1). Statistics, audit review and "
                "administration are not in this client yet.",
                id="no-queues",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.session.events.subscribe(self, self.on_live_event)
        self.session.connection.subscribe(self, self.on_connection)
        self.session.poll.subscribe(self, lambda _: self.action_refresh())
        if self.current is not None:
            self.load_page()

    # ---- loading --------------------------------------------------------------------

    @work(exclusive=True, group="queue", exit_on_error=False)
    async def load_page(self) -> None:
        if self.current is None:
            return
        client = self.session.client
        page = await client.queue(
            self.current.name, offset=self.page_offset, limit=self.session.settings.page_size
        )
        if page.total and self.page_offset >= page.total:  # the page emptied under us
            self.page_offset = max(0, page.total - page.limit)
            page = await client.queue(self.current.name, offset=self.page_offset, limit=page.limit)
        self.page = page
        self.query_one(QueueTable).show(page.items)
        self.refresh_bindings()
        self.show_status()
        self.show_counts(await client.queue_counts())

    def show_status(self) -> None:
        page = self.page
        if page is None or self.current is None:
            return
        if not page.items:
            text = f"{self.current.label}: nothing here."
        else:
            first, last = self.page_offset + 1, self.page_offset + len(page.items)
            pages = max(1, -(-page.total // page.limit))
            number = self.page_offset // page.limit + 1
            text = f"{first}-{last} of {page.total} · page {number}/{pages}"
            if self.session.client.queues_served:
                text += f" · {page.unread} unread · {LEGEND}"
        self.query_one("#queue-status", Static).update(text)

    def show_counts(self, counts: dict[str, QueueCount]) -> None:
        for view in self.views:
            count = counts.get(view.name)
            tab = self.query_one(f"#queue-{view.name}", Tab)
            tab.label = f"{view.label} ({count.unread})" if count and count.unread else view.label

    def refresh_soon(self) -> None:
        if not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(REFRESH_DEBOUNCE, self._refresh_now)

    def _refresh_now(self) -> None:
        self._refresh_pending = False
        self.load_page()

    def on_live_event(self, event: EventPublic) -> None:
        self.refresh_soon()

    def on_connection(self, state: ConnectionState) -> None:
        if state is ConnectionState.LIVE:
            self.refresh_soon()  # whatever happened while we were away

    def on_screen_resume(self) -> None:
        # Back from a report: its read state (and maybe its status) changed.
        if self.current is not None and self.page is not None:
            self.load_page()

    # ---- navigation -----------------------------------------------------------------

    @on(Tabs.TabActivated, "#queues")
    def switch_queue(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix("queue-")
        view = next((v for v in self.views if v.name == name), None)
        if view is not None and view != self.current:
            self.current, self.page_offset = view, 0
            self.load_page()

    def action_show_queue(self, index: int) -> None:
        if 0 <= index < len(self.views):
            self.query_one(Tabs).active = f"queue-{self.views[index].name}"

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        offset = self.page_offset + step * self.page.limit
        if 0 <= offset < max(self.page.total, 1):
            self.page_offset = offset
            self.load_page()

    def action_refresh(self) -> None:
        self.load_page()

    @on(DataTable.RowHighlighted, "#queue-table")
    def row_highlighted(self) -> None:
        self.refresh_bindings()  # whether "Acknowledge" applies depends on the row

    @on(DataTable.RowSelected, "#queue-table")
    def open_report(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ReportDetailScreen(self.session, str(event.row_key.value)))

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_report":
            return bool(self.session.me and self.session.me.creatable_types)
        if action == "acknowledge":  # dimmed unless the row is a delivery to acknowledge
            item = self.query_one(QueueTable).current_item if self.views else None
            return (item is not None and item.delivery_state in ("new", "read")) or None
        if action in ("refresh", "page", "search"):
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
        if code:
            await self.app.push_screen(ReportFormScreen(self.session, self.session.spec(code)))

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
