"""Between what a person types and what the API takes, per field kind.

Values that don't parse are passed on as typed, so that validation (ours, then the
server's) names the field and says what is wrong, instead of the input silently vanishing.
"""

import re
from datetime import UTC, datetime
from typing import Any

from shared.fields import FieldKind

PLACEHOLDERS = {
    FieldKind.DATE: "YYYY-MM-DD",
    FieldKind.DATETIME: "YYYY-MM-DD HH:MM (UTC)",
    FieldKind.A_NUMBER: "A followed by 8 or 9 digits",
    FieldKind.EMAIL: "name@agency.example",
    FieldKind.PHONE: "+1 555 0100",
    FieldKind.URL: "https://…",
    FieldKind.REPORT_IDS: "SIR-2026-000042, …",
    FieldKind.INTEGER: "whole number",
    FieldKind.DECIMAL: "number",
}

# What the client says of a time it could not read (the event time, a completion time).
DATETIME_MESSAGE = "must be a date and time, e.g. 2026-03-01 14:30 (UTC)"

_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_datetime(text: str) -> datetime | None:
    """A time as people type it; without an offset it is UTC (the form says so)."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
        for pattern in _DATETIME_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def show_datetime(value: Any) -> str:
    if isinstance(value, str):
        moment = parse_datetime(value)
        return show_datetime(moment) if moment else value
    if isinstance(value, datetime):
        pattern = "%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M"
        return value.astimezone(UTC).strftime(pattern)
    return ""


def from_text(kind: FieldKind, text: str) -> Any:
    """The API value of a one-line input; None when left empty."""
    stripped = text.strip()
    if not stripped:
        return None
    if kind is FieldKind.INTEGER:
        try:
            return int(stripped)
        except ValueError:
            return stripped
    if kind is FieldKind.DATETIME:
        moment = parse_datetime(stripped)
        return moment.isoformat().replace("+00:00", "Z") if moment else stripped
    if kind is FieldKind.REPORT_IDS:
        return [part for part in re.split(r"[,\s]+", stripped) if part]
    return stripped


def to_text(kind: FieldKind, value: Any) -> str:
    """How an API value reads in a one-line input."""
    if value is None:
        return ""
    if kind is FieldKind.DATETIME:
        return show_datetime(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
