"""A lead's body as an intel product carries it: every PII-tagged field removed, driven by
the catalogue's PII tags (``FieldSpec.pii``), not by a hand-kept list; a key the catalogue
does not know is removed too (what we cannot classify we do not disclose). A removed field
comes back only as a put-back, whose justification the product keeps."""

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.labels import label_of


@dataclass(frozen=True)
class Stripped:
    body: dict[str, Any]  # the body without its PII
    removed: dict[str, str]  # concrete dotted path -> label, e.g. "entity.a_number"


def strip_pii(spec: ReportTypeSpec, body: dict[str, Any]) -> Stripped:
    stripped = copy.deepcopy(body)
    removed = dict(_strip(spec.fields, stripped, ""))
    return Stripped(stripped, {path: label_of(spec, f"body.{path}") for path in removed})


def _strip(
    fields: Sequence[FieldSpec], data: dict[str, Any], prefix: str
) -> Iterator[tuple[str, None]]:
    by_name = {f.name: f for f in fields}
    for key in list(data):
        value, f, path = data[key], by_name.get(key), prefix + key
        if value in (None, "", [], {}):
            continue
        if f is None or f.pii:
            del data[key]
            yield path, None
        elif f.kind is FieldKind.GROUP and isinstance(value, dict):
            yield from _strip(f.fields or [], value, path + ".")
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _strip(f.fields or [], item, f"{path}.{index}.")


def value_at(body: dict[str, Any], path: str) -> Any:
    node: Any = body
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def put_back(stripped: dict[str, Any], original: dict[str, Any], path: str) -> None:
    """Copy the value at ``path`` from the lead's body into the stripped body (in place)."""
    parts = path.split(".")
    node: Any = stripped
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value_at(original, path))


def persons_in(body: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """The persons an ERO_LEAD concerns, as (A-number, name): its entity when a person."""
    entity = body.get("entity")
    if not isinstance(entity, dict) or entity.get("kind") != "person":
        return []
    a_number = entity.get("a_number") or None
    name = entity.get("name") or None
    return [(a_number, name)] if a_number or name else []


def name_key(name: str) -> str:
    """A name as the accounting matches it: case and spacing do not matter."""
    return " ".join(name.casefold().split())
