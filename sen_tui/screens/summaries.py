"""The summaries workspace (iroc, SPEC §5): the sent summaries with their delivery states,
and the composer: pick reports (the server's 24 h default, SPEARs only with a
confirmation) and distribution lists, draft, edit one paragraph per report, preview the
email exactly as the server will send it, send; retry a summary whose delivery failed.

Everything shown comes from the server: the default selection, which reports need a
confirmation, the paragraphs, the preview text and the delivery state."""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import (
    DataTable,
    Label,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.selection_list import Selection

from sen_tui.formatting import words
from sen_tui.modals.choice import ChoiceModal
from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.row_table import RowTable
from sen_tui.widgets.session_bar import SessionBar
from shared.enums import EventKind
from shared.schemas import EventPublic, WorkspacePublic
from shared.summaries import (
    DistributionListRef,
    Paragraph,
    SummaryCandidate,
    SummaryListItem,
    SummaryPublic,
)

WINDOWS = (24, 48, 72)  # hours back the picker offers (the server's default first)
EMPTY = "No summary sent yet: n starts a new one from the last 24 hours."


def _when(item: SummaryListItem) -> str:
    moment = item.sent_at or item.created_at
    return moment.strftime("%Y-%m-%d %H:%M")


class SummariesScreen(WorkspaceScreen):
    BINDINGS = [
        Binding("n", "new_summary", "New", id="summary.new"),
        Binding("ctrl+g", "draft", "Draft", id="summary.draft"),
        Binding("ctrl+s", "save", "Save", id="summary.save", show=False),
        Binding("ctrl+r", "preview", "Preview", id="summary.preview"),
        Binding("ctrl+t", "send", "Send", id="summary.send"),
        Binding("r", "retry", "Retry", id="summary.retry"),
        Binding("u", "refresh", "Refresh", id="summary.refresh", show=False),
        Binding("h", "wider_window", "Hours back", id="summary.window", show=False),
        Binding("1", "show_tab('sent')", "Sent", id="summary.tab_sent", show=False),
        Binding("2", "show_tab('compose')", "Compose", id="summary.tab_compose", show=False),
        Binding("3", "show_tab('paragraphs')", "Paragraphs", id="summary.tab_text", show=False),
        Binding("4", "show_tab('preview')", "Preview tab", id="summary.tab_preview", show=False),
        *WORKSPACE_BINDINGS,
    ]
    AUTO_FOCUS = "#sent-table"

    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(session, workspace)
        self.sent: list[SummaryListItem] | None = None
        self.candidates: list[SummaryCandidate] = []
        self.lists: list[DistributionListRef] = []
        self.draft: SummaryPublic | None = None
        self.hours = WINDOWS[0]
        self.shown: SummaryPublic | None = None  # what the preview tab shows

    @property
    def ready(self) -> bool:
        return self.sent is not None

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with TabbedContent(id="summary-tabs", initial="sent"):
            with TabPane("1 Sent", id="sent"):
                yield RowTable(id="sent-table")
                yield Static("", id="sent-note")
            with TabPane("2 Compose", id="compose"):
                yield Label(self.picker_label(), id="picker-label")
                yield SelectionList[str](id="report-picker")
                yield Label("Distribution lists")
                yield SelectionList[int](id="list-picker")
            with TabPane("3 Paragraphs", id="paragraphs"):
                yield VerticalScroll(
                    Static("Pick reports, then draft (ctrl+g)."), id="paragraph-box"
                )
            with TabPane("4 Preview", id="preview"), VerticalScroll(id="preview-box"):
                yield Static("", id="preview-head")
                yield Static("Nothing to preview yet.", id="preview-text")
        yield SenFooter()

    def on_mount(self) -> None:
        self.session.events.subscribe(self, self.on_live_event)
        self.load_sent()

    def on_live_event(self, event: EventPublic) -> None:
        # Another watch officer sent one: the record grows (its delivery state: u refreshes).
        if event.kind is EventKind.SUMMARY_SENT:
            self.load_sent()

    # ---- loading ----------------------------------------------------------------------

    @work(exclusive=True, group="sent-list", exit_on_error=False)
    async def load_sent(self) -> None:
        self.sent = await self.session.client.summaries()
        self.show_sent()

    def show_sent(self) -> None:
        table = self.query_one("#sent-table", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_columns("ID", "Sent (UTC)", "By", "Reports", "To", "Delivery")
        for item in self.sent or []:
            delivery = words(item.delivery.value)
            table.add_row(
                Text(str(item.id)),
                Text(_when(item) if item.sent_at else "draft"),
                Text(item.author),
                Text(str(item.reports)),
                Text(str(item.recipients)),
                Text(delivery, style="bold red" if item.delivery == "failed" else ""),
                key=str(item.id),
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1), animate=False)
        self.show_row_error()
        self.refresh_bindings()

    def current_item(self) -> SummaryListItem | None:
        table = self.query_one("#sent-table", DataTable)
        if not self.sent or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.sent if str(i.id) == key), None)

    @on(DataTable.RowHighlighted, "#sent-table")
    def show_row_error(self) -> None:
        item = self.current_item()
        reply = item.delivery_error if item is not None and item.delivery_error else ""
        note = Text(f"Mail server: {reply}", style="red") if reply else Text("")
        if self.sent == []:
            note = Text(EMPTY)
        self.query_one("#sent-note", Static).update(note)
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#sent-table")
    def open_selected(self) -> None:
        item = self.current_item()
        if item is not None:
            self.open_summary(item.id)

    @work(exclusive=True, group="open", exit_on_error=False)
    async def open_summary(self, summary_id: int) -> None:
        self.show_preview(await self.session.client.summary(summary_id))
        self.action_show_tab("preview")

    def show_preview(self, summary: SummaryPublic) -> None:
        self.shown = summary
        lists = ", ".join(row.name for row in summary.lists) or "no list picked"
        head = (
            f"Subject: {summary.subject}\n"
            f"To: {lists} ({len(summary.recipients)} addresses)\n"
            f"Delivery: {words(summary.delivery.value)}"
            + (f" — {summary.delivery_error}" if summary.delivery_error else "")
        )
        self.query_one("#preview-head", Static).update(Text(head, style="bold"))
        self.query_one("#preview-text", Static).update(Text(summary.preview))

    # ---- composing --------------------------------------------------------------------

    def picker_label(self) -> str:
        return f"Reports (last {self.hours} h, h for more; SPEARs need a confirmation)"

    def action_wider_window(self) -> None:
        """24, 48, 72 hours back, then 24 again; the picker is read anew."""
        self.hours = WINDOWS[(WINDOWS.index(self.hours) + 1) % len(WINDOWS)]
        self.query_one("#picker-label", Label).update(self.picker_label())
        self.action_new_summary()

    @work(exclusive=True, group="compose", exit_on_error=False)
    async def action_new_summary(self) -> None:
        client = self.session.client
        self.candidates = await client.summary_candidates(self.hours)
        self.lists = await client.summary_lists()
        self.draft = None
        picker = self.query_one("#report-picker", SelectionList)
        picker.clear_options()
        picker.add_options(
            Selection(
                Text(f"{c.id}  {c.title}" + ("  (SPEAR: confirm)" if c.needs_confirmation else "")),
                c.id,
                c.default,
            )
            for c in self.candidates
        )
        lists = self.query_one("#list-picker", SelectionList)
        lists.clear_options()
        lists.add_options(
            Selection(Text(f"{row.name} ({row.members})"), row.id) for row in self.lists
        )
        box = self.query_one("#paragraph-box", VerticalScroll)
        await box.remove_children()
        await box.mount(Static("Pick reports, then draft (ctrl+g)."))
        self.action_show_tab("compose")
        picker.focus()
        self.refresh_bindings()

    def picked_lists(self) -> list[int]:
        return list(self.query_one("#list-picker", SelectionList).selected)

    @work(exclusive=True, group="compose", exit_on_error=False)
    async def action_draft(self) -> None:
        picked = list(self.query_one("#report-picker", SelectionList).selected)
        spears = [c.id for c in self.candidates if c.needs_confirmation and c.id in picked]
        if spears:
            answer = await self.app.push_screen_wait(
                ChoiceModal(
                    "Add SPEAR reports?",
                    f"IROC does not usually summarise planned operations. Add {', '.join(spears)}"
                    " to this summary? Your confirmation is recorded.",
                    [("add", "Add them"), ("cancel", "Cancel")],
                    default="cancel",
                )
            )
            if answer != "add":
                return
        self.draft = await self.session.client.create_summary(picked, spears, self.picked_lists())
        await self.show_paragraphs(self.draft)
        self.action_show_tab("paragraphs")

    async def show_paragraphs(self, draft: SummaryPublic) -> None:
        box = self.query_one("#paragraph-box", VerticalScroll)
        await box.remove_children()
        for number, paragraph in enumerate(draft.paragraphs):
            await box.mount(Label(f"{number + 1}. {paragraph.report_id}"))
            await box.mount(
                TextArea(paragraph.text, id=f"paragraph-{number}", classes="paragraph-text")
            )
        first = box.query(TextArea)
        if first:
            first.first().focus()

    def edited(self) -> list[Paragraph]:
        draft = self.draft
        if draft is None:
            return []
        return [
            Paragraph(
                report_id=p.report_id,
                text=self.query_one(f"#paragraph-{i}", TextArea).text,
            )
            for i, p in enumerate(draft.paragraphs)
        ]

    async def save(self) -> SummaryPublic | None:
        if self.draft is None:
            return None
        self.draft = await self.session.client.update_summary(
            self.draft, self.edited(), self.picked_lists()
        )
        return self.draft

    @work(exclusive=True, group="compose", exit_on_error=False)
    async def action_save(self) -> None:
        if await self.save() is not None:
            self.notify("Draft saved.", title="Summaries", markup=False)

    @work(exclusive=True, group="compose", exit_on_error=False)
    async def action_preview(self) -> None:
        saved = await self.save()
        if saved is not None:
            self.show_preview(saved)
            self.action_show_tab("preview")

    @work(exclusive=True, group="compose", exit_on_error=False)
    async def action_send(self) -> None:
        saved = await self.save()
        if saved is None:
            return
        lists = ", ".join(row.name for row in saved.lists) or "no list"
        answer = await self.app.push_screen_wait(
            ChoiceModal(
                "Send this summary?",
                f"To {lists}: {len(saved.recipients)} addresses. A sent summary cannot be changed.",
                [("send", "Send"), ("cancel", "Cancel")],
                default="send",
            )
        )
        if answer != "send":
            return
        sent = await self.session.client.send_summary(saved)
        self.draft = None
        self.show_preview(sent)
        self.notify(f"Summary {sent.id} sent.", title="Summaries", markup=False)
        self.sent = await self.session.client.summaries()
        self.show_sent()
        self.action_show_tab("sent")

    @work(exclusive=True, group="retry", exit_on_error=False)
    async def action_retry(self) -> None:
        item = self.current_item()
        if item is None:
            return
        await self.session.client.retry_summary(item.id)
        self.notify(f"Summary {item.id} queued again.", title="Summaries", markup=False)
        self.sent = await self.session.client.summaries()
        self.show_sent()

    def action_refresh(self) -> None:
        self.load_sent()

    # ---- tabs and keys ----------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus = {"sent": "#sent-table", "compose": "#report-picker", "preview": "#preview-box"}
        if tab in focus:
            self.query_one(focus[tab]).focus()
        elif self.query("#paragraph-box TextArea"):
            self.query("#paragraph-box TextArea").first().focus()
        self.refresh_bindings()

    @on(TabbedContent.TabActivated, "#summary-tabs")
    def tab_changed(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tab = self.query_one(TabbedContent).active if self.is_mounted else "sent"
        if action == "wider_window":
            return tab == "compose" or None
        if action == "draft":
            return tab == "compose" or None
        if action in ("preview", "send", "save"):
            return self.draft is not None or None
        if action == "retry":
            item = self.current_item() if self.is_mounted else None
            return (tab == "sent" and item is not None and item.delivery == "failed") or None
        return True
