"""Search: free text over the titles and narratives of the reports the user may read,
narrowed by type, status, priority and time of last change, one server page at a time.

Enter in the query runs the search and, once results are there, moves to them (up/down,
Home/End, Enter opens one); with no result the cursor stays in the query to try other words.
"""

from datetime import datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import DataTable, Input, Select, Static

from sen_tui.formatting import words
from sen_tui.screens.base import SenScreen
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.marking import MarkingBanner
from sen_tui.widgets.queue_table import LATE_LEGEND, QueueTable
from sen_tui.widgets.session_bar import SessionBar
from sen_tui.widgets.text_inputs import TextInput
from shared.enums import Priority, ReportStatus, ReportType
from shared.schemas import Page, QueueItem, ReportSummary

PAGES = Binding.Group("Page")
HINT = "Type words and press Enter, or pick a filter. Every word must match."
# Relative to the session clock, on the report's last change (what the list is sorted by).
CHANGED_WITHIN = [
    ("Last 24 hours", timedelta(hours=24)),
    ("Last 7 days", timedelta(days=7)),
    ("Last 30 days", timedelta(days=30)),
]


class SearchScreen(SenScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("/", "focus_query", "Edit search", id="search.query"),
        Binding("[", "page(-1)", "Previous page", id="search.previous_page", group=PAGES),
        Binding("]", "page(1)", "Next page", id="search.next_page", group=PAGES),
    ]
    AUTO_FOCUS = "#search-query"
    # Narrow terminals put the filters on a second row under the query (reports.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, session: Session) -> None:
        super().__init__(id="search")
        self.session = session
        self.page_offset = 0
        self.page: Page[ReportSummary] | None = None
        self.to_results = False  # move to the results once they are there (Enter in the query)

    def compose(self) -> ComposeResult:
        yield MarkingBanner()  # the rows are report content
        yield SessionBar(self.session, title="Search")
        with Grid(id="search-bar"):
            yield TextInput(placeholder="Search titles and narratives", id="search-query")
            yield Select(self._type_options(), prompt="Any type", id="search-type")
            yield Select(
                [(words(s), s.value) for s in ReportStatus],
                prompt="Any status",
                id="search-status",
            )
            yield Select(
                [(p.value, p.value) for p in Priority], prompt="Any priority", id="search-priority"
            )
            yield Select(CHANGED_WITHIN, prompt="Any time", id="search-time")
        yield QueueTable()
        yield Static(HINT, id="search-summary")
        yield MarkingBanner(position="bottom")
        yield SenFooter()

    def _type_options(self) -> list[tuple[str, str]]:
        catalogue = self.session.catalogue
        if catalogue is not None:
            return [(t.code, t.code) for t in catalogue.types]
        return [(t.value, t.value) for t in ReportType]

    # ---- searching ------------------------------------------------------------------

    def _filter(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None  # Select.BLANK: any

    def _since(self) -> datetime | None:
        within = self.query_one("#search-time", Select).value
        return self.session.now() - within if isinstance(within, timedelta) else None

    @work(exclusive=True, group="search", exit_on_error=False)
    async def search(self) -> None:
        page = await self.session.client.search_reports(
            self.query_one("#search-query", Input).value,
            type=self._filter("#search-type"),
            status=self._filter("#search-status"),
            priority=self._filter("#search-priority"),
            since=self._since(),
            offset=self.page_offset,
            limit=self.session.settings.page_size,
        )
        self.page = page
        table = self.query_one(QueueTable)
        table.show([QueueItem.model_validate(item.model_dump()) for item in page.items])
        if self.to_results and page.items:
            table.focus()
        self.to_results = False
        self.show_summary()
        self.refresh_bindings()

    def show_summary(self) -> None:
        page = self.page
        if page is None:
            return
        if not page.items:
            text = "No report you may read matches."
        else:
            total = page.total or 0
            first, last = self.page_offset + 1, self.page_offset + len(page.items)
            pages = max(1, -(-total // page.limit))
            number = self.page_offset // page.limit + 1
            # Found reports are not deliveries (no unread mark): only the late flag shows.
            text = f"{first}-{last} of {total} · page {number}/{pages} · {LATE_LEGEND}"
        self.query_one("#search-summary", Static).update(text)

    def start_search(self) -> None:
        self.page_offset = 0
        self.search()

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.to_results = False  # a filter picked after Enter: stay in the filters
        self.start_search()  # a filter alone is a search: "every LEARA of the last week"

    @on(Input.Submitted, "#search-query")
    def query_submitted(self) -> None:
        self.to_results = True
        self.start_search()

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":  # dimmed where there is no page that way
            page, step = self.page, parameters[0] if parameters else 0
            if page is None:
                return None
            ahead = page.next_offset is not None
            return (ahead if step == 1 else self.page_offset > 0) or None
        return True

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        offset = self.page_offset + step * self.page.limit
        if 0 <= offset < max(self.page.total or 0, 1):
            self.page_offset = offset
            self.search()

    def action_focus_query(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(DataTable.RowSelected, "#queue-table")
    def open_report(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ReportDetailScreen(self.session, str(event.row_key.value)))
