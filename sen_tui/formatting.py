"""How values read on screen. Times are shown in UTC ("Z"), as operations centres use."""

from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from shared.enums import Priority

PRIORITY_STYLES = {Priority.FLASH: "bold red", Priority.PRIORITY: "bold yellow"}


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")


def short_when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%m-%d %H:%MZ")


def count(value: int, exact: bool = True) -> str:
    """A count as people read it: "1,204", or "1,000+" where the server stopped counting."""
    return f"{value:,}" + ("" if exact else "+")


def words(value: str) -> str:
    """An enum value as words: "assault_on_employee" -> "assault on employee"."""
    return value.replace("_", " ")


def priority_text(priority: Priority | str) -> Text:
    value = Priority(priority)
    return Text(
        value.value.upper() if value is Priority.FLASH else value.value,
        style=PRIORITY_STYLES.get(value, ""),
    )


def _moment(text: str) -> datetime | None:
    """An ISO time as the API sends it ("2026-03-01T14:30:05.123456+00:00"), else None."""
    if len(text) < 16 or text[10:11] != "T":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shown(value: Any, limit: int = 60) -> str:
    """A field's value on one line, cut to ``limit`` (differences between versions); a
    time reads as everywhere else on screen, in UTC minutes, not as the API spells it."""
    if value is None:
        return "—"
    if isinstance(value, str) and (moment := _moment(value)):
        return when(moment)
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())  # narratives: one line
    return text if len(text) <= limit else text[: limit - 1] + "…"
