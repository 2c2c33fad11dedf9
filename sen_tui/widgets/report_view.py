"""A report, read-only: its envelope, then every field of its type by section.

Two-column grids, so that long values wrap within their column instead of under the
labels; nested blocks are indented.
"""

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sen_tui.formatting import priority_text, when, words
from sen_tui.widgets.form_values import parse_datetime
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.schemas import ReportPublic
from shared.validation import REDACTED

LABEL_WIDTH = 24
INDENT = "  "


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True, style="bold")
    grid.add_column(ratio=1, overflow="fold")
    return grid


def _value(value: str | Text) -> Text:
    if isinstance(value, Text):
        return value
    if value == REDACTED:
        return Text(value, style="dim italic")
    return Text(value, style="dim" if value in ("—", "none") else "")


def envelope_view(report: ReportPublic, spec: ReportTypeSpec) -> RenderableType:
    grid = _grid()

    def row(label: str, value: str | Text) -> None:
        grid.add_row(label, _value(value))

    row("Title", report.title or "(untitled)")
    row("Type", f"{report.type} — {spec.label}")
    late = Text(" LATE: submitted over 24 h after the event", style="bold red")
    row(
        "Status",
        Text(f"{words(report.status)}, version {report.version}")
        + (late if report.late else Text()),
    )
    row("Priority", priority_text(report.priority))
    row("Author", f"{report.author_name} ({report.author}), {report.author_office or '—'}")
    row(spec.event_at_label, when(report.event_at))
    row("Created", when(report.created_at))
    row("Updated", when(report.updated_at))
    row("Submitted", when(report.submitted_at))
    row("Case number", report.case_number or "—")
    if report.summary_id is not None:
        row("Summarised", f"in IROC summary {report.summary_id}")
    recipients = report.recipients.users + report.recipients.offices
    row("Added recipients", ", ".join(recipients) or "—")
    if report.review_comment:
        row("Reviewer's comment", Text(report.review_comment, style="bold yellow"))
    if report.masked:
        row("", Text("Personal data is masked for your role.", style="italic"))
    return grid


def body_view(spec: ReportTypeSpec, body: dict[str, Any]) -> RenderableType:
    parts: list[RenderableType] = []
    for section in spec.sections:
        fields = [f for f in spec.fields if f.section == section]
        if not fields:
            continue
        heading = Text(f"\n── {section} ", style="bold cyan")
        heading.append("─" * max(0, 40 - len(section)), style="dim")
        grid = _grid()
        _fields(grid, fields, body, 0)
        parts += [heading, grid]
    return Group(*parts)


def _fields(grid: Table, fields: Sequence[FieldSpec], data: dict[str, Any], depth: int) -> None:
    pad = INDENT * depth
    for f in fields:
        value = data.get(f.name)
        if f.kind is FieldKind.GROUP:
            if isinstance(value, dict) and value:
                grid.add_row(pad + f.label, "")
                _fields(grid, f.fields or [], value, depth + 1)
            else:
                grid.add_row(pad + f.label, _value("—"))
        elif f.kind is FieldKind.LIST:
            entries = value if isinstance(value, list) else []
            if not entries:
                grid.add_row(pad + f.label, _value("none"))
            for index, entry in enumerate(entries, 1):
                grid.add_row(f"{pad}{f.label} #{index}", "")
                if isinstance(entry, dict):
                    _fields(grid, f.fields or [], entry, depth + 1)
        else:
            grid.add_row(pad + f.label, _value(_scalar(f, value)))


def _scalar(f: FieldSpec, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if f.kind is FieldKind.BOOLEAN:
        return "yes" if value is True else "no" if value is False else str(value)
    if f.kind is FieldKind.ENUM:
        return words(str(value))
    if f.kind is FieldKind.DATETIME:  # as the envelope shows times: minutes, in UTC
        moment = parse_datetime(str(value))
        return when(moment) if moment else str(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
