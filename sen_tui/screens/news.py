"""The news workspace (public affairs; SPEC §7): stories about the agency, newest first by
publication time, one server page at a time, narrowed by outlet and publication window.
A story opens in full; ``l`` links it to a report by the report's ID and ``u`` unlinks one.
Which reports may be linked, and what of them is shown, is the server's answer."""

from datetime import timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from sen_tui.api import ApiError, NewsFilters
from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.news_filter import NewsFilterModal
from sen_tui.modals.news_story import NewsStoryModal
from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.news_table import NewsTable
from sen_tui.widgets.session_bar import SessionBar
from shared.enums import WorkspaceAction
from shared.news import NewsPage, NewsStoryPublic
from shared.schemas import WorkspacePublic

PAGES = Binding.Group("Page")
EMPTY = "No news story yet: a story is a NEWS report, written in the Reports workspace (n)."
LINKS = Binding.Group("Links")


class NewsScreen(WorkspaceScreen):
    BINDINGS = [
        Binding("o", "open_story", "Open", id="news.open"),
        Binding("/", "filter", "Filter", id="news.filter"),
        Binding("l", "link", "Link report", id="news.link", group=LINKS),
        Binding("u", "unlink", "Unlink", id="news.unlink", group=LINKS),
        Binding("r", "refresh", "Refresh", id="news.refresh", show=False),
        Binding("[", "page(-1)", "Previous page", id="news.previous_page", group=PAGES),
        Binding("]", "page(1)", "Next page", id="news.next_page", group=PAGES),
        *WORKSPACE_BINDINGS,
    ]
    AUTO_FOCUS = "#news-table"

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.filters = NewsFilters()
        self.window: timedelta | None = None  # the publication window chosen, if any
        self.page: NewsPage | None = None
        # The cursors of the pages before this one (the first page has none).
        self.cursors: list[str | None] = [None]

    @property
    def ready(self) -> bool:
        return self.page is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        yield Static("", id="news-filters")
        yield NewsTable()
        yield Static("", id="news-status")
        yield SenFooter()

    def on_mount(self) -> None:
        self.show_filters()
        self.load_page()

    # ---- loading --------------------------------------------------------------------

    @work(exclusive=True, group="news", exit_on_error=False)
    async def load_page(self, keep_row: int = 0) -> None:
        page = await self.session.client.news(
            self.filters, cursor=self.cursors[-1], limit=self.session.settings.page_size
        )
        self.page = page
        self.query_one(NewsTable).show(page.items, keep_row)
        self.show_status()
        self.refresh_bindings()

    def show_filters(self) -> None:
        outlet = self.filters.outlet or "any outlet"
        window = "any time"
        if self.window is not None:
            window = f"the last {_window_words(self.window)}"
        text = f"Stories from {outlet}, published {window}, newest first · / to filter"
        self.query_one("#news-filters", Static).update(Text(text))

    def show_status(self) -> None:
        page = self.page
        if page is None:
            return
        number = len(self.cursors)
        if not page.items and self.filters == NewsFilters() and len(self.cursors) == 1:
            text = EMPTY
        elif not page.items:
            text = "No story matches these filters."
        else:
            more = "] for older" if page.next_cursor else "the oldest page"
            text = f"{len(page.items)} stories · page {number} · {more}"
        self.query_one("#news-status", Static).update(text)

    @property
    def current_story(self) -> NewsStoryPublic | None:
        return self.query_one(NewsTable).current_story

    def start_over(self) -> None:
        self.cursors = [None]
        self.load_page()

    # ---- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        page = self.page
        if action == "page":
            if page is None:
                return None
            step = parameters[0] if parameters else 0
            has_more = page.next_cursor is not None if step == 1 else len(self.cursors) > 1
            return has_more or None
        if action in ("link", "unlink"):
            if WorkspaceAction.LINK_REPORTS not in self.workspace.actions:
                return False
            story = self.current_story
            if story is None or (action == "unlink" and not story.linked):
                return None
        if action == "open_story":
            return self.current_story is not None or None
        return True

    def action_page(self, step: int) -> None:
        page = self.page
        if page is None:
            return
        if step > 0 and page.next_cursor is not None:
            self.cursors.append(page.next_cursor)
        elif step < 0 and len(self.cursors) > 1:
            self.cursors.pop()
        else:
            return
        self.load_page()

    def action_refresh(self) -> None:
        self.start_over()

    @on(DataTable.RowHighlighted, "#news-table")
    def row_highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#news-table")
    def action_open_story(self) -> None:
        story = self.current_story
        if story is not None:
            self.open_story(story.id)

    @work(exclusive=True, group="news-open", exit_on_error=False)
    async def open_story(self, news_id: str) -> None:
        story = await self.session.client.news_story(news_id)
        await self.app.push_screen_wait(NewsStoryModal(story))

    @work(exclusive=True, group="news-filter", exit_on_error=False)
    async def action_filter(self) -> None:
        outlets = await self.session.client.news_outlets()
        now = self.session.now()
        chosen = await self.app.push_screen_wait(
            NewsFilterModal(outlets, self.filters, now, self.window)
        )
        if chosen is None:
            return
        self.filters = chosen
        self.window = now - chosen.since if chosen.since else None
        self.show_filters()
        self.start_over()

    @work(exclusive=True, group="news-link", exit_on_error=False)
    async def action_link(self) -> None:
        story = self.current_story
        if story is None:
            return
        report_id = await self.app.push_screen_wait(
            TextPromptModal(
                f"Link {story.id} to a report",
                f"“{story.headline}” covers which report? Its ID, e.g. SIR-2026-000042.",
                confirm="Link",
                required=True,
                max_length=32,
                placeholder="Report ID",
            )
        )
        if not report_id:
            return
        try:
            await self.session.client.link_report(story.id, report_id)
        except ApiError as exc:
            if exc.status_code != 422:
                raise
            problem = "; ".join(e.in_words() for e in exc.field_errors) or exc.detail
            self.notify(problem, title="Not linked", severity="warning", markup=False)
            return
        shown = report_id.strip().upper()
        self.notify(f"{story.id} is linked to {shown}.", title="Linked", markup=False)
        self.load_page(keep_row=self.query_one(NewsTable).cursor_row)

    @work(exclusive=True, group="news-link", exit_on_error=False)
    async def action_unlink(self) -> None:
        story = self.current_story
        if story is None or not story.linked:
            return
        choices = [(f"r{i}", report.id) for i, report in enumerate(story.linked[:6])]
        picked = await self.app.push_screen_wait(
            ChoiceModal(f"Unlink a report from {story.id}", "Which report?", choices)
        )
        if picked is None:
            return
        report_id = dict(choices)[picked]
        await self.session.client.unlink_report(story.id, report_id)
        self.notify(f"{report_id} is no longer linked to {story.id}.", title="Unlinked")
        self.load_page(keep_row=self.query_one(NewsTable).cursor_row)


def _window_words(window: timedelta) -> str:
    if window.days >= 365:
        return "year"
    if window.days >= 1:
        return f"{window.days} days"
    return f"{int(window.total_seconds() // 3600)} hours"
