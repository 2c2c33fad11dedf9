"""Recording where a LEARA request stands (SPEC §3: a disposition update is an amendment).

The dialog sends the update itself, so that the server's field errors appear at the fields
and a version conflict keeps what the user typed: the next save applies it to the report
as it is now.
"""

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from sen_tui.api import ApiError, ServerUnreachable
from sen_tui.modals.base import SenModal
from sen_tui.session import Session
from sen_tui.widgets.form_fields import FieldRow
from sen_tui.widgets.form_values import DATETIME_MESSAGE, parse_datetime
from shared.schemas import DispositionUpdate, FieldError, ReportPublic

SECTION = "Disposition"  # the LEARA catalogue section these fields live in


class DispositionModal(SenModal[ReportPublic | None]):
    DEFAULT_CSS = """
    DispositionModal { align: center middle; }
    DispositionModal > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DispositionModal .dialog-title { text-style: bold; margin-bottom: 1; }
    DispositionModal #disposition-status { color: $warning; height: auto; }
    DispositionModal #disposition-buttons { height: auto; margin-top: 1; }
    DispositionModal #disposition-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save disposition", id="disposition.save"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, session: Session, report: ReportPublic) -> None:
        super().__init__()
        self.session = session
        self.report = report

    def compose(self) -> ComposeResult:
        fields = [f for f in self.session.spec(self.report.type).fields if f.section == SECTION]
        with VerticalScroll():
            yield Static(Text(f"Disposition of {self.report.id}"), classes="dialog-title")
            for spec in fields:
                yield FieldRow(spec, self.report.body.get(spec.name))
            yield Static("", id="disposition-status")
            with Horizontal(id="disposition-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query(FieldRow).first().focus_editor()

    @property
    def rows(self) -> dict[str, FieldRow]:
        return {row.spec.name: row for row in self.query(FieldRow)}

    def update(self) -> DispositionUpdate | None:
        """What to send, or None after marking the fields that are not right yet."""
        rows = self.rows
        values: dict[str, Any] = {name: row.value() for name, row in rows.items()}
        errors: list[FieldError] = []
        if not values.get("disposition_status"):
            errors.append(FieldError(field="disposition_status", message="is required"))
        completed = values.get("completed_at")
        moment = parse_datetime(completed) if completed else None
        if completed and moment is None:
            errors.append(FieldError(field="completed_at", message=DATETIME_MESSAGE))
        if errors:
            self.show_errors(errors)
            return None
        return DispositionUpdate(
            base_revision=self.report.revision,
            disposition_status=values["disposition_status"],
            disposition_narrative=values.get("disposition_narrative"),
            completed_at=moment,
        )

    def show_errors(self, errors: list[FieldError]) -> None:
        rows = self.rows
        for row in rows.values():
            row.set_error(None)
        elsewhere: list[str] = []
        for error in errors:
            target = rows.get(error.field.removeprefix("body.").split(".")[0])
            if target is None:
                elsewhere.append(error.in_words())
            else:
                target.set_error(error.message)
        self.status("Not saved: " + ("; ".join(elsewhere) or "see the marked fields."))

    def status(self, text: str) -> None:
        self.query_one("#disposition-status", Static).update(Text(text))

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @work(exclusive=True, group="save", exit_on_error=False)
    async def action_save(self) -> None:
        update = self.update()
        if update is None:
            return
        try:
            saved = await self.session.client.set_disposition(self.report.id, update)
        except ServerUnreachable as exc:
            self.status(f"Not saved: {exc} Your input is kept.")
            return
        except ApiError as exc:
            current = exc.current_report
            if exc.reason == "version_conflict" and current is not None:
                self.report = current  # the next save applies this input to what is there now
                self.status(
                    f"{current.id} changed on the server (now version {current.version}). "
                    "Your input is kept: press ctrl+s to record it on the current version."
                )
            elif exc.field_errors:
                self.show_errors(exc.field_errors)
            else:
                self.status(f"Not saved: {exc.detail}")
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
