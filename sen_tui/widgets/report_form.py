"""A report form built from the served catalogue: the envelope, then each section of the
type with its fields, groups and repeatable lists, then the hand-added recipients."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from sen_tui.widgets.form_fields import FieldRow, FormBlock, block_for
from sen_tui.widgets.form_values import DATETIME_MESSAGE, parse_datetime
from sen_tui.widgets.recipients_field import RecipientsBlock
from shared.enums import Priority, ReportType
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.schemas import (
    AmendRequest,
    FieldError,
    OfficeRef,
    Recipients,
    ReportCreate,
    ReportPublic,
    ReportStart,
    ReportUpdate,
)
from shared.validation import validate_body, validate_envelope_for_submit


def envelope_specs(spec: ReportTypeSpec) -> list[FieldSpec]:
    """The envelope as fields, so that it is edited (and shows errors) like the body."""
    return [
        FieldSpec(
            name="title",
            label="Title",
            kind=FieldKind.TEXT,
            required=True,
            max_length=300,
            help="Shown in queues and summaries: never put personal data in it.",
        ),
        FieldSpec(
            name="event_at",
            label=spec.event_at_label,
            kind=FieldKind.DATETIME,
            required=True,
            help="In UTC.",
        ),
        FieldSpec(
            name="priority",
            label="Priority",
            kind=FieldKind.ENUM,
            enum=[p.value for p in Priority],
            help="flash: act now; priority: today.",
        ),
        FieldSpec(name="case_number", label="Case number", kind=FieldKind.TEXT, max_length=64),
    ]


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


@dataclass
class FormPayload:
    """What the form holds, in API terms."""

    title: str
    event_at: datetime | None
    priority: Priority | None
    case_number: str | None
    body: dict[str, Any]
    recipients: Recipients = field(default_factory=Recipients)
    event_at_text: str | None = None  # typed but not a time: never sent

    def comparable(self) -> dict[str, Any]:
        """For change detection and conflict display: empty values count as absent."""
        return _pruned(
            {
                "title": self.title,
                # The form shows whole seconds: finer digits are not a change the user made.
                "event_at": self.event_at.replace(microsecond=0).isoformat()
                if self.event_at
                else None,
                "priority": self.priority.value if self.priority else None,
                "case_number": self.case_number,
                "body": self.body,
                "recipients": self.recipients.model_dump(),
            }
        )

    def _envelope(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": self.title,
            "event_at": self.event_at,
            "case_number": self.case_number,
            "body": self.body,
        }
        if self.priority is not None:
            values["priority"] = self.priority
        if self.recipients.users or self.recipients.offices:
            values["recipients"] = self.recipients
        return values

    def create(self, report_type: str) -> ReportCreate:
        return ReportCreate(type=ReportType(report_type), **self._envelope())

    def update(self, base_revision: int) -> ReportUpdate:
        return ReportUpdate(base_revision=base_revision, **self._envelope())

    def amend(self, base_revision: int, reason: str) -> AmendRequest:
        return AmendRequest(base_revision=base_revision, reason=reason, **self._envelope())


def comparable_report(report: ReportPublic) -> dict[str, Any]:
    return FormPayload(
        title=report.title,
        event_at=report.event_at,
        priority=report.priority,
        case_number=report.case_number,
        body=report.body,
        recipients=report.recipients,
    ).comparable()


class ReportForm(VerticalScroll, can_focus=False):
    # Not focusable itself: focus goes from field to field, and scrolls the form along.

    def __init__(
        self,
        spec: ReportTypeSpec,
        report: ReportPublic | None,
        *,
        start: ReportStart | None = None,
    ) -> None:
        super().__init__(id="report-form")
        self.spec = spec
        self.report = report
        # A new report opens with what the server started it with (contacts, a time).
        self.start = start or ReportStart(
            type=ReportType(spec.code), priority=Priority(spec.default_priority)
        )

    def compose(self) -> ComposeResult:
        report = self.report
        start = self.start
        envelope = {
            "title": report.title if report else start.title,
            "event_at": report.event_at if report else start.event_at,
            "priority": report.priority if report else start.priority,
            "case_number": report.case_number if report else start.case_number,
        }
        yield Static(Text(f"{self.spec.code} — {self.spec.label}"), classes="section-heading")
        yield Static(
            Text(self.spec.purpose + "  Fields marked * are required to submit."),
            classes="form-purpose",
        )
        for spec in envelope_specs(self.spec):
            yield block_for(spec, envelope[spec.name])
        body = report.body if report else start.body
        for section in self.spec.sections:
            fields = [f for f in self.spec.fields if f.section == section]
            # A section that is one block is named by that block's border already.
            lone_block = len(fields) == 1 and fields[0].kind in (FieldKind.GROUP, FieldKind.LIST)
            if fields and not lone_block:
                yield Static(Text(section), classes="section-heading")
            for spec in fields:
                yield block_for(spec, body.get(spec.name))
        yield Static("Recipients", classes="section-heading")
        yield RecipientsBlock(report.recipients if report else Recipients())

    # ---- values ---------------------------------------------------------------------

    def _top(self) -> dict[str, FormBlock]:
        return {b.spec.name: b for b in self.query_children(FormBlock)}

    @property
    def recipients_block(self) -> RecipientsBlock:
        return self.query_one(RecipientsBlock)

    def payload(self) -> FormPayload:
        top = self._top()
        body_names = {f.name for f in self.spec.fields}
        body = {
            name: value
            for name, block in top.items()
            if name in body_names and (value := block.value()) is not None
        }
        event_text = top["event_at"].value()
        moment = parse_datetime(event_text) if event_text else None
        priority = top["priority"].value()
        return FormPayload(
            title=top["title"].value() or "",
            event_at=moment,
            priority=Priority(priority) if priority else None,
            case_number=top["case_number"].value(),
            body=body,
            recipients=self.recipients_block.value(),
            event_at_text=event_text if event_text and moment is None else None,
        )

    def offer_offices(self, offices: list[OfficeRef]) -> None:
        """Fill every office picker with the offices the server lists."""
        options = [(f"{o.code} — {o.name}", o.code) for o in offices]
        for block in self.blocks_by_path().values():
            if isinstance(block, FieldRow) and block.spec.kind is FieldKind.OFFICE:
                block.offer(options)

    # ---- errors ---------------------------------------------------------------------

    def blocks_by_path(self) -> dict[str, FormBlock]:
        """Every block by the path the server uses in its errors."""
        body_names = {f.name for f in self.spec.fields}
        paths: dict[str, FormBlock] = {}
        for name, block in self._top().items():
            prefix = f"body.{name}" if name in body_names else name
            paths.update(block.walk(prefix))
        return paths

    def check(self, *, for_submit: bool, now: datetime) -> list[FieldError]:
        """The client's own check, with the shared rules the server applies too."""
        payload = self.payload()
        errors: list[FieldError] = []
        if payload.event_at_text is not None:
            errors.append(FieldError(field="event_at", message=DATETIME_MESSAGE))
        _, body_errors = validate_body(
            self.spec, payload.body, for_submit=for_submit, event_at=payload.event_at
        )
        if for_submit:
            envelope_errors = validate_envelope_for_submit(
                self.spec, title=payload.title, event_at=payload.event_at, now=now
            )
            errors += [e for e in envelope_errors if e.field not in {x.field for x in errors}]
        return errors + body_errors

    def show_errors(self, errors: list[FieldError], *, local: bool = False) -> list[FieldError]:
        """Put each error at its field; return those that belong to no field."""
        blocks = self.blocks_by_path()
        if local:  # a fresh local check replaces the previous local findings only
            for stale in blocks.values():
                if stale.error_local:
                    stale.set_error(None)
        unplaced: list[FieldError] = []
        first: FormBlock | None = None
        for error in errors:
            target = _nearest(blocks, error.field)
            if target is None:
                unplaced.append(error)
                continue
            target.set_error(error.message, local=local)
            if first is None:
                first = target
        if first is not None and not local:
            first.focus_editor()
        return unplaced

    def clear_errors(self) -> None:
        for block in self.blocks_by_path().values():
            block.set_error(None)

    def error_count(self) -> int:
        return sum(1 for b in self.blocks_by_path().values() if b.error_text)


def _nearest(blocks: dict[str, FormBlock], path: str) -> FormBlock | None:
    """The block of ``path`` or of the nearest field holding it: "recipients.users.0" (one
    name in the list) is shown at the recipients block."""
    while path:
        if path in blocks:
            return blocks[path]
        path = path.rpartition(".")[0]
    return None
