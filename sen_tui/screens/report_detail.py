"""One report: every field under its marking (top and bottom), its versions with what each
changed, its routing and acknowledgments, and the actions the user may take on it: those
the server lists in the report's ``allowed_actions``, no others.

Whether the user may still read the report is the server's answer too: when a read (the
report, its versions or its routing) says it is not open to them — deleted, or returned by
this reviewer to its author's drafts — the screen says so and closes.
"""

from typing import Any, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from sen_tui.api import ApiError
from sen_tui.formatting import priority_text, shown, when, words
from sen_tui.modals.disposition import DispositionModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.modals.review import approve_dialog, return_dialog
from sen_tui.screens.base import SenScreen
from sen_tui.screens.report_form import ReportFormScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.marking import MarkingBanner
from sen_tui.widgets.report_view import body_view, envelope_view
from sen_tui.widgets.row_table import RowTable
from shared.diff import differences
from shared.enums import ReportAction, ReportType
from shared.labels import humanize_path, label_of
from shared.news import NewsStoryPublic
from shared.schemas import DeliveryPublic, EventPublic, ReportPublic, ReportVersionPublic

# Each follow-up key and the allowed action that offers it.
FOLLOW_UPS = {
    "edit": ReportAction.EDIT,
    "acknowledge": ReportAction.ACKNOWLEDGE,
    "amend": ReportAction.AMEND,
    "approve": ReportAction.APPROVE,
    "return": ReportAction.RETURN,
    "delete": ReportAction.DELETE,
    "disposition": ReportAction.DISPOSITION,
    "close_report": ReportAction.CLOSE,
}


def coverage_text(stories: list[NewsStoryPublic]) -> Text:
    text = Text()
    text.append("In the news\n", style="bold")
    for story in stories:
        text.append(f"  {when(story.published_at)}  {story.outlet}: ")
        text.append(f"{story.headline}  ({story.id})\n")
    return text


class ReportDetailScreen(SenScreen[str | None]):
    """Dismissed with the report's id when the user sent or amended it from here (the queue
    below puts its cursor on it), with None otherwise."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="report.back"),
        Binding("e", "edit", "Edit", id="report.edit"),
        Binding("a", "acknowledge", "Acknowledge", id="report.acknowledge"),
        Binding("m", "amend", "Amend", id="report.amend"),
        Binding("p", "approve", "Approve", id="report.approve"),
        Binding("t", "return", "Return", id="report.return"),
        Binding("s", "disposition", "Disposition", id="report.disposition"),
        Binding("k", "close_report", "Close report", id="report.close"),
        Binding("d", "delete", "Delete", id="report.delete"),
        Binding("r", "reload", "Reload", id="report.reload", show=False),
        Binding("c", "show_tab('content')", "Content", id="report.content", show=False),
        Binding("v", "show_tab('versions')", "Versions", id="report.versions"),
        Binding("o", "show_tab('routing')", "Routing", id="report.routing"),
    ]

    def __init__(self, session: Session, report_id: str) -> None:
        super().__init__(id="report-detail")
        self.session = session
        self.report_id = report_id
        self.report: ReportPublic | None = None
        self.versions: list[ReportVersionPublic] = []
        self.sent_here = False  # sent or amended from a form opened here

    def compose(self) -> ComposeResult:
        yield MarkingBanner(position="top")
        yield Static(f"{self.report_id} · loading…", id="report-heading")
        with TabbedContent(id="report-tabs"):
            with TabPane("Report", id="content"), VerticalScroll(id="report-scroll"):
                yield Static("", id="report-envelope")
                yield Static("", id="report-body")
                # The news stories linked to the report, for a reader of both (SPEC §7).
                yield Static("", id="report-coverage")
            with TabPane("Versions", id="versions"):
                yield OptionList(id="version-list")
                with VerticalScroll(id="version-diff-box"):
                    yield Static("", id="version-diff")
            with TabPane("Routing", id="routing"):
                yield RowTable(id="routing-table")
                yield Static("", id="routing-note")
        yield MarkingBanner(position="bottom")
        yield SenFooter()

    def on_mount(self) -> None:
        self.session.events.subscribe(self, self.on_live_event)
        self.load()

    def on_live_event(self, event: EventPublic) -> None:
        if event.report_id == self.report_id:
            self.load()

    # ---- loading --------------------------------------------------------------------

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load(self) -> None:
        try:
            report = await self.session.client.report(self.report_id)
        except ApiError as exc:
            if exc.status_code != 404:
                raise
            self.gone()
            return
        self.show(report)
        if report.type != ReportType.NEWS:
            self.load_coverage()
        if self.query_one(TabbedContent).active != "content":
            self.load_tab(self.query_one(TabbedContent).active)

    def gone(self) -> None:
        """The server no longer shows the report to this user: deleted, or no longer theirs
        to read (a reviewer after returning it to its author's drafts)."""
        gone = "is no longer open to you" if self.report else "is not open to you"
        self.notify(f"{self.report_id} {gone}.", title="Report", markup=False)
        self.dismiss(None)

    def show(self, report: ReportPublic) -> None:
        self.report = report
        spec = self.session.spec(report.type)
        for banner in self.query(MarkingBanner):
            banner.update(Text(report.marking))
        heading = Text(f"{report.id} · {words(report.status)} · v{report.version} · ")
        heading.append_text(priority_text(report.priority))
        self.query_one("#report-heading", Static).update(heading)
        self.query_one("#report-envelope", Static).update(envelope_view(report, spec))
        self.query_one("#report-body", Static).update(body_view(spec, report.body))
        self.refresh_bindings()

    @work(exclusive=True, group="coverage", exit_on_error=False)
    async def load_coverage(self) -> None:
        try:
            coverage = await self.session.client.report_coverage(self.report_id)
        except ApiError as exc:
            if exc.status_code != 404:
                raise
            return  # no longer readable: load() says so
        box = self.query_one("#report-coverage", Static)
        box.display = bool(coverage.items)
        box.update(coverage_text(coverage.items))

    @on(TabbedContent.TabActivated, "#report-tabs")
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.load_tab(event.pane.id or "")

    def load_tab(self, tab: str) -> None:
        if tab == "versions":
            self.load_versions()
        elif tab == "routing":
            self.load_routing()

    @work(exclusive=True, group="versions", exit_on_error=False)
    async def load_versions(self) -> None:
        try:
            self.versions = await self.session.client.versions(self.report_id)
        except ApiError as exc:
            if exc.status_code != 404:
                raise
            self.gone()
            return
        options = self.query_one("#version-list", OptionList)
        options.clear_options()
        for v in reversed(self.versions):
            line = f"v{v.version:<3} {words(v.status):<10} {when(v.changed_at)}  {v.changed_by}"
            if v.reason:
                line += f" — {v.reason}"
            options.add_option(Option(Text(line), id=str(v.version)))
        if self.versions:
            options.highlighted = 0

    @on(OptionList.OptionHighlighted, "#version-list")
    def version_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        number = int(event.option.id or 0)
        by_number = {v.version: v for v in self.versions}
        current, previous = by_number.get(number), by_number.get(number - 1)
        text = Text()
        if current is None:
            return
        if previous is None:
            text.append(f"Version {number} is the first version.", style="italic")
        else:
            before = {"title": previous.title, "body": previous.body}
            after = {"title": current.title, "body": current.body}
            changes = differences(before, after)
            text.append(f"Changes from v{number - 1} to v{number}:\n", style="bold")
            if not changes:
                text.append("no field changed (a status change only)\n", style="italic")
            spec = self.session.spec(self.report.type) if self.report else None
            for change in changes:
                name = label_of(spec, change.field) if spec else humanize_path(change.field)
                text.append(f"{name}\n", style="bold")
                text.append(f"  was  {shown(change.before)}\n", style="red")
                text.append(f"  now  {shown(change.after)}\n", style="green")
        self.query_one("#version-diff", Static).update(text)

    @work(exclusive=True, group="routing", exit_on_error=False)
    async def load_routing(self) -> None:
        note = self.query_one("#routing-note", Static)
        try:
            deliveries = await self.session.client.routing(self.report_id)
        except ApiError as exc:
            if exc.status_code != 404:
                raise
            self.gone()
            return
        self.show_routing(deliveries)
        if deliveries:
            note.update("")
        elif self.report is not None and self.report.submitted_at is None:
            note.update("Not routed yet: the report has not been submitted.")
        else:
            note.update("No recipient: the routing rules named no one for this report.")

    def show_routing(self, deliveries: list[DeliveryPublic]) -> None:
        table = self.query_one("#routing-table", DataTable)
        table.clear(columns=True)
        table.add_columns("Recipient", "Office", "Why", "State", "Read", "Acknowledged")
        for d in deliveries:
            cells = (
                d.recipient,
                d.office or "—",
                d.reason,
                d.state.value + (" (updated)" if d.updated else ""),
                when(d.read_at),
                when(d.acknowledged_at),
            )
            table.add_row(*(Text(c) for c in cells))

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    # ---- what the user may do -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needed = FOLLOW_UPS.get(action)
        if needed is None:
            return True
        return self.report is not None and needed in self.report.allowed_actions

    def action_back(self) -> None:
        self.dismiss(self.report_id if self.sent_here else None)

    def action_reload(self) -> None:
        self.load()

    def action_edit(self) -> None:
        self._open_form("edit")

    def action_amend(self) -> None:
        self._open_form("amend")

    def _open_form(self, mode: Literal["edit", "amend"]) -> None:
        if self.report is not None:
            spec = self.session.spec(self.report.type)
            form = ReportFormScreen(self.session, spec, self.report, mode=mode)
            self.app.push_screen(form, callback=self.form_closed)

    def form_closed(self, sent: ReportPublic | None) -> None:
        self.sent_here = self.sent_here or sent is not None
        self.load()  # saved, sent or amended there: show it as it is now

    @work(exclusive=True, group="act", exit_on_error=False)
    async def action_approve(self) -> None:
        await self._decide(approve=True)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def action_return(self) -> None:
        await self._decide(approve=False)

    async def _decide(self, *, approve: bool) -> None:
        report = self.report
        if report is None:
            return
        dialog = approve_dialog(report.id) if approve else return_dialog(report.id)
        comment = await self.app.push_screen_wait(dialog)
        if comment is None:
            return
        done = await self._act(
            lambda: self.session.client.decide_review(
                report.id, report.revision, approve=approve, comment=comment or None
            )
        )
        if done is not None:
            verb = "Approved: submitted and routed" if approve else "Returned to the author"
            self.notify(f"{verb}.", title=report.id, markup=False)
            # Read it again rather than keep showing the decision's answer: a reviewer who
            # returned it may no longer read it (back in its author's drafts, SPEC §1), and
            # its versions and routing would then be refused.
            self.load()

    @work(exclusive=True, group="act", exit_on_error=False)
    async def action_acknowledge(self) -> None:
        report = self.report
        if report is None:
            return
        try:
            await self.session.client.acknowledge(report.id)
        except ApiError as exc:
            self.notify(
                exc.detail, title=f"Acknowledge {report.id}", severity="error", markup=False
            )
            return
        self.notify("Acknowledged.", title=report.id, markup=False)
        self.load()

    @work(exclusive=True, group="act", exit_on_error=False)
    async def action_disposition(self) -> None:
        if self.report is None:
            return
        saved = await self.app.push_screen_wait(DispositionModal(self.session, self.report))
        if saved is not None:
            self.show(saved)
            status = words(saved.body.get("disposition_status", ""))
            self.notify(f"Disposition recorded: {status}.", title=saved.id, markup=False)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def action_close_report(self) -> None:
        report = self.report
        if report is None:
            return
        question = (
            f"Close {report.id} “{report.title}”? Nothing more is expected on it; "
            "it stays readable and can no longer be amended."
        )
        if not await self.app.push_screen_wait(
            ConfirmModal("Close report", question, confirm="Close report")
        ):
            return
        done = await self._act(lambda: self.session.client.close_report(report.id, report.revision))
        if done is not None:
            self.notify("Closed.", title=report.id, markup=False)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def action_delete(self) -> None:
        report = self.report
        if report is None:
            return
        question = f"Delete the draft {report.id} “{report.title}”? This cannot be undone."
        if not await self.app.push_screen_wait(
            ConfirmModal("Delete draft", question, confirm="Delete")
        ):
            return
        try:
            await self.session.client.delete_report(report.id, report.revision)
        except ApiError as exc:
            self.notify(exc.detail, title=report.id, severity="error", markup=False)
            self.load()
            return
        self.notify("Draft deleted.", title=report.id, markup=False)
        self.dismiss(None)

    async def _act(self, call: Any) -> ReportPublic | None:
        """Run a versioned action; on a conflict show the report as it is now."""
        try:
            report: ReportPublic = await call()
        except ApiError as exc:
            self.notify(
                exc.detail, title=self.report_id, severity="error", timeout=10, markup=False
            )
            current = exc.current_report
            if current is not None:
                self.show(current)
            return None
        self.show(report)
        return report
