"""Writing a report: a draft saved on demand (ctrl+s) and periodically, then sent for review
or submitted; or, for a submitted report, an amendment with a reason.

Whatever the server says, the user's input stays in the form: field errors are shown at
their fields, and a version conflict (409) shows what differs and lets the user choose.

How a draft may be sent is the server's answer: the saved report's ``allowed_actions``, or
for a form not saved yet, ``send_actions`` of the type's review rule as the server served
it when the form opened (the caller fetches the type fresh).
"""

from typing import Any, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.widgets import Button, Input, Select, Static, TextArea

from sen_tui.api import ApiError, ServerUnreachable
from sen_tui.formatting import words
from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.conflict import ConflictModal
from sen_tui.modals.recipients import RecipientsModal
from sen_tui.modals.review import amend_dialog
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.form_fields import FormBlock
from sen_tui.widgets.marking import MarkingBanner
from sen_tui.widgets.report_form import FormPayload, ReportForm, comparable_report
from sen_tui.widgets.session_bar import SessionBar
from shared.catalogue import send_actions
from shared.diff import differences
from shared.enums import DEFAULT_MARKING, ReportAction, ReportType
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.schemas import ReportPublic, ReportStart

Mode = Literal["edit", "amend"]


class ReportFormScreen(SenScreen[ReportPublic | None]):
    """Dismissed with the report once it has been sent or amended (the screen below shows
    it), with None when closed."""

    # "esc Close" first, as "esc Back" is on every other screen: at 80 columns the footer
    # holds about six keys, and leaving must always be one of them.
    BINDINGS = [
        Binding("escape", "close", "Close", id="form.close"),
        Binding("ctrl+s", "save", "Save draft", id="form.save"),
        Binding("ctrl+s", "amend", "Amend", id="form.amend"),
        Binding("ctrl+r", "send(True)", "Ask review", id="form.request_review"),
        Binding("ctrl+t", "send(False)", "Submit", id="form.submit"),
        Binding("ctrl+g", "recipients", "Recipients", id="form.recipients"),
    ]

    def __init__(
        self,
        session: Session,
        spec: ReportTypeSpec,
        report: ReportPublic | None = None,
        *,
        mode: Mode = "edit",
        start: ReportStart | None = None,
    ) -> None:
        super().__init__(id="report-form-screen")
        self.session = session
        self.spec = spec
        self.report = report
        self.mode = mode
        self.start = start  # a new report's values as the server started it
        self.saved: dict[str, Any] | None = comparable_report(report) if report else None
        # A new form as it opened: until it differs from this, there is nothing to lose (no
        # "Unsaved changes" question, no empty "(untitled)" draft saved by autosave).
        self.untouched: dict[str, Any] | None = None
        self.conflict_pending = False
        self.ready = False  # the first field has the cursor: keys typed now land in the form

    def compose(self) -> ComposeResult:
        yield MarkingBanner(self.report.marking if self.report else DEFAULT_MARKING)
        verb = "Amending" if self.mode == "amend" else "Editing" if self.report else "New"
        yield SessionBar(self.session, title=f"{verb} {self.report.id if self.report else ''}")
        if self.report and self.report.review_comment and self.mode == "edit":
            yield Static(
                Text(f"Returned by the reviewer: {self.report.review_comment}"),
                id="review-comment",
            )
        yield ReportForm(self.spec, self.report, start=self.start)
        yield Static(Text(self._initial_status()), id="form-status")
        yield MarkingBanner(
            self.report.marking if self.report else DEFAULT_MARKING, position="bottom"
        )
        yield SenFooter()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # The footer lists the focused widget's keys first (Textual's order). Here the form's
        # own keys come first: a list entry's "Add entry" and "Remove entry", also written on
        # their buttons, must not push "Close" or "Submit" off an 80-column footer.
        bindings = super().active_bindings
        own = {key: active for key, active in bindings.items() if active.node is self}
        return own | bindings

    def _initial_status(self) -> str:
        if self.report is None:
            return "Not saved yet."
        return f"{self.report.id} version {self.report.version}, {words(self.report.status)}."

    def on_mount(self) -> None:
        if self.mode == "edit":
            self.set_interval(self.session.settings.autosave_seconds, self.autosave)
        self.call_after_refresh(self._focus_first)
        if _has_office_field(self.spec.fields):
            self.load_offices()

    @work(exclusive=True, group="offices", exit_on_error=False)
    async def load_offices(self) -> None:
        offices = await self.session.client.offices()
        self.form.offer_offices(offices)

    def _focus_first(self) -> None:
        # As it opened, with what the server started it with: until the user changes
        # something there is nothing to lose.
        if self.saved is None:
            self.untouched = self.form.payload().comparable()
        self.query_one(ReportForm).query(FormBlock).first().focus_editor()
        self.ready = True

    @property
    def form(self) -> ReportForm:
        return self.query_one(ReportForm)

    def status(self, text: str) -> None:
        self.query_one("#form-status", Static).update(Text(text))

    def is_dirty(self) -> bool:
        baseline = self.saved if self.saved is not None else self.untouched
        return baseline is None or self.form.payload().comparable() != baseline

    # ---- what is offered ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.mode == "edit"
        if action == "amend":
            return self.mode == "amend"
        if action == "send":
            if self.mode != "edit":
                return False
            review = bool(parameters and parameters[0])
            wanted = ReportAction.REQUEST_REVIEW if review else ReportAction.SUBMIT
            return wanted in self.send_offered()
        return True

    def send_offered(self) -> frozenset[ReportAction]:
        """How this draft may be sent, as the server says."""
        if self.report is not None:
            return frozenset(self.report.allowed_actions)
        return send_actions(self.spec.review)

    # ---- inline feedback ------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def edited(self, event: Input.Changed | TextArea.Changed | Select.Changed) -> None:
        block = next((a for a in event.control.ancestors if isinstance(a, FormBlock)), None)
        if block is not None and block.error_text and not block.error_local:
            block.set_error(None)  # the server's complaint was about the old value

    @on(Input.Blurred)
    def blurred(self) -> None:
        self.form.show_errors(self.form.check(for_submit=False, now=self.session.now()), local=True)

    # ---- recipients -----------------------------------------------------------------

    @on(Button.Pressed, "#choose-recipients")
    def recipients_pressed(self) -> None:
        self.action_recipients()

    @work(exclusive=True, group="recipients", exit_on_error=False)
    async def action_recipients(self) -> None:
        block = self.form.recipients_block
        chosen = await self.app.push_screen_wait(RecipientsModal(self.session, block.value()))
        if chosen is not None:
            block.choose(chosen)
            block.focus_editor()

    # ---- saving ---------------------------------------------------------------------

    @work(exclusive=True, group="save", exit_on_error=False)
    async def action_save(self) -> None:
        if await self.save(explicit=True) is not None:
            self.notify(
                "Draft saved.", title=self.report.id if self.report else "Report", markup=False
            )

    async def autosave(self) -> None:
        busy = any(w.node is self and w.group == "save" and w.is_running for w in self.workers)
        if self.session.locked or busy or self.conflict_pending or not self.is_dirty():
            return
        self.run_worker(self.save(explicit=False), group="save", exit_on_error=False)

    async def save(self, *, explicit: bool) -> ReportPublic | None:
        """Create or update the draft on the server; None when it was not saved."""
        payload = self.form.payload()
        if payload.event_at_text is not None:
            self.form.show_errors(
                self.form.check(for_submit=False, now=self.session.now()), local=not explicit
            )
            self.status("Not saved: the event time is not a date and time.")
            return None
        client = self.session.client
        try:
            if self.report is None:
                report = await client.create_report(payload.create(ReportType(self.spec.code)))
            else:
                report = await client.update_report(
                    self.report.id, payload.update(self.report.revision)
                )
        except (ApiError, ServerUnreachable) as exc:
            return await self.refused(exc, payload, explicit=explicit, retry=self.save)
        self.saved_as(report, payload)
        return report

    def saved_as(self, report: ReportPublic, payload: FormPayload) -> None:
        self.report = report
        self.saved = payload.comparable()
        self.conflict_pending = False
        self.form.clear_errors()
        moment = self.session.now().strftime("%H:%M:%SZ")
        self.status(f"Saved {report.id} version {report.version} at {moment}.")
        self.query_one(SessionBar).query_one("#screen-title", Static).update(
            Text(f"Editing {report.id}")
        )
        self.refresh_bindings()  # the saved report says how it may be sent now

    async def refused(
        self, exc: Exception, payload: FormPayload, *, explicit: bool, retry: Any
    ) -> ReportPublic | None:
        """Show why a write was refused; resolve conflicts when the user is here to ask."""
        if isinstance(exc, ServerUnreachable):
            self.status(f"Not saved: {exc} Your input is kept in this form.")
            if explicit:
                self.notify(str(exc), title="Not saved", severity="warning", markup=False)
            return None
        assert isinstance(exc, ApiError)
        if exc.reason == "version_conflict" and exc.current_report is not None:
            return await self.conflict(exc.current_report, payload, explicit=explicit, retry=retry)
        if exc.field_errors:
            unplaced = self.form.show_errors(exc.field_errors)
            extra = "; ".join(e.in_words() for e in unplaced)
            count = len(exc.field_errors)
            self.status(
                f"Not saved: {count} problem{'s' * (count > 1)} at the marked fields."
                + (f" {extra}" if extra else "")
            )
        else:
            self.status(f"Not saved: {exc.detail}")
        if explicit:
            self.notify(exc.detail, title="Not saved", severity="error", markup=False)
        return None

    async def conflict(
        self, current: ReportPublic, payload: FormPayload, *, explicit: bool, retry: Any
    ) -> ReportPublic | None:
        self.conflict_pending = True
        if not explicit:  # don't spring a dialog on someone who is typing
            self.status(f"{current.id} changed on the server: press ctrl+s to compare.")
            return None
        changes = differences(comparable_report(current), payload.comparable())
        choice = await self.app.push_screen_wait(ConflictModal(current, changes))
        if choice == "mine":
            self.report = current  # base the next write on what is there now
            return await retry(explicit=True)
        if choice == "theirs":
            await self.reload(current)
            return None
        self.status(f"Not saved: {current.id} changed on the server. Your input is kept.")
        return None

    async def reload(self, report: ReportPublic) -> None:
        self.report = report
        self.saved = comparable_report(report)
        self.conflict_pending = False
        self.refresh_bindings()
        await self.form.remove()
        await self.mount(ReportForm(self.spec, report), before="#form-status")
        self.status(f"Loaded {report.id} version {report.version} from the server.")

    # ---- sending --------------------------------------------------------------------

    @work(exclusive=True, group="save", exit_on_error=False)
    async def action_send(self, review: bool) -> None:
        if self.is_dirty() and await self.save(explicit=True) is None:
            return
        problems = self.form.check(for_submit=True, now=self.session.now())
        if problems:
            self.form.show_errors(problems)
            count = len(problems)
            self.status(f"Not sent: {count} field{'s' * (count > 1)} to complete or correct.")
            return
        report = self.report
        if report is None:
            return
        wanted = ReportAction.REQUEST_REVIEW if review else ReportAction.SUBMIT
        if wanted not in self.send_offered():
            # The review rule changed since the form opened: the save's answer says so.
            self.status(
                "Not sent: this type's review rule has changed. The keys below offer "
                "how it may be sent now."
            )
            return
        try:
            sent = await self.session.client.submit(report.id, report.revision, review=review)
        except (ApiError, ServerUnreachable) as exc:
            await self.refused(exc, self.form.payload(), explicit=True, retry=self.save)
            await self.refresh_offered()
            return
        self.report = sent
        verb = "Sent for review" if review else "Submitted and routed"
        self.notify(f"{verb}.", title=sent.id, markup=False)
        self.dismiss(sent)

    async def refresh_offered(self) -> None:
        """After a refusal, ask the server again how the draft may be sent (a rule may have
        changed); the form's input and the version it is based on stay as they are."""
        report = self.report
        if report is None:
            return
        try:
            fresh = await self.session.client.report(report.id)
        except (ApiError, ServerUnreachable):
            return
        if fresh.revision == report.revision:
            self.report = report.model_copy(update={"allowed_actions": fresh.allowed_actions})
            self.refresh_bindings()

    @work(exclusive=True, group="save", exit_on_error=False)
    async def action_amend(self) -> None:
        report = self.report
        if report is None:
            return
        reason = await self.app.push_screen_wait(amend_dialog(report.id))
        if not reason:
            return
        await self.send_amendment(reason, explicit=True)

    async def send_amendment(self, reason: str, *, explicit: bool) -> ReportPublic | None:
        report = self.report
        if report is None:
            return None
        payload = self.form.payload()
        try:
            amended = await self.session.client.amend(
                report.id, payload.amend(report.revision, reason)
            )
        except (ApiError, ServerUnreachable) as exc:

            async def again(*, explicit: bool) -> ReportPublic | None:
                return await self.send_amendment(reason, explicit=explicit)

            return await self.refused(exc, payload, explicit=explicit, retry=again)
        self.saved_as(amended, payload)
        self.notify(f"Amended: version {amended.version}.", title=amended.id, markup=False)
        self.dismiss(amended)
        return amended

    # ---- leaving --------------------------------------------------------------------

    @work(exclusive=True, group="close", exit_on_error=False)
    async def action_close(self) -> None:
        if not self.is_dirty():
            self.dismiss(None)
            return
        choices = [("keep", "Keep editing"), ("discard", "Discard changes")]
        if self.mode == "edit":
            choices.insert(0, ("save", "Save draft and close"))
        # Enter on the focused answer must never lose or create anything: keep editing.
        question = "This form has changes that are not saved."
        choice = await self.app.push_screen_wait(
            ChoiceModal("Unsaved changes", question, choices, default="keep")
        )
        if choice == "discard" or (choice == "save" and await self.save(explicit=True) is not None):
            self.dismiss(None)


def _has_office_field(fields: list[FieldSpec]) -> bool:
    return any(f.kind is FieldKind.OFFICE or _has_office_field(f.fields or []) for f in fields)
