"""Field-by-field differences between two report bodies (or envelopes), by dotted path.

Used to compare versions, and to show a user whose save hit a version conflict what
differs between their input and the report as it is now.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Difference:
    path: str  # e.g. "body.subjects.1.last_name"
    before: Any
    after: Any


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Leaves of nested dicts and lists as (dotted path, value); empties count as absent."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}")
    elif value not in (None, "", [], {}):
        yield prefix, value


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[Difference]:
    old, new = dict(flatten(before)), dict(flatten(after))
    paths = list(old) + [p for p in new if p not in old]
    return [Difference(p, old.get(p), new.get(p)) for p in paths if old.get(p) != new.get(p)]


def shown(value: Any, limit: int = 60) -> str:
    if value is None:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())  # narratives: one line
    return text if len(text) <= limit else text[: limit - 1] + "…"
