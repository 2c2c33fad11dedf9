"""Field-by-field differences between two versions of a report, by dotted path.

The one diff of SEN: the server's version comparison (``/compare``), the audit details of an
edit (changed field names, never values), the client's versions view and its version-conflict
dialog all use it, so they can never disagree about what changed.

Empty values (None, "", [], {}) count as absent, so clearing a field is a change from its old
value to None, and a field that was never filled in does not differ from a blank one. Values
are compared as JSON, because in Python ``True == 1`` but a flag becoming a count is a change.
"""

import json
from collections.abc import Iterator
from typing import Any

from shared.schemas import FieldDifference


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Leaves of nested dicts and lists of dicts as (dotted path, value); empties left out.

    A list of plain values (report IDs, say) is one leaf.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}")
    elif not _is_empty(value):
        yield prefix, value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[FieldDifference]:
    """Every leaf whose value differs, in the order the fields appear (old ones first)."""
    old, new = dict(flatten(before)), dict(flatten(after))
    paths = list(old) + [p for p in new if p not in old]
    return [
        FieldDifference(field=path, before=old.get(path), after=new.get(path))
        for path in paths
        if _canonical(old.get(path)) != _canonical(new.get(path))
    ]


def changed_names(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The top-level names under which anything differs (for audit details: names only)."""
    return {d.field.split(".", 1)[0] for d in differences(before, after)}
