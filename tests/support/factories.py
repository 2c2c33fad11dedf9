"""Report payloads for tests, built from the catalogue so that every type stays covered.

``complete_body`` fills every field of a type (each list with at least one entry), so the
result passes the submit check; ``complete_report`` wraps it in a create request with a
title and an event time.
"""

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from sen_server.demo.bodies import fake_body
from shared.catalogue import get_type
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.validation import validate_body

# Types each demo author may create (SPEC §1), used to pick authors in setups.
HSI_TYPES = ("SIR", "OPPRED", "SPEAR", "LEARA", "SPOT")
ERO_TYPES = ("SIR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV")
ALL_TYPES = ("SIR", "OPPRED", "SPEAR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV", "NEWS")


def complete_body(
    report_type: str, *, seed: int = 0, now: datetime | None = None
) -> dict[str, Any]:
    """A body of ``report_type`` with every field filled and valid for submission.

    Deterministic for a given seed. Raises AssertionError if the catalogue and the
    generator ever drift apart, so a broken factory fails loudly instead of making
    every submit test fail for the wrong reason.
    """
    spec = get_type(report_type)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    body = fake_body(spec, fake, random.Random(seed), now or datetime.now(UTC))
    _, errors = validate_body(spec, body, for_submit=True)
    assert not errors, f"complete_body({report_type}) is not complete: {errors}"
    return body


def complete_report(
    report_type: str,
    *,
    now: datetime,
    seed: int = 0,
    title: str | None = None,
    **envelope: Any,
) -> dict[str, Any]:
    """A ``POST /api/v1/reports`` payload that can be submitted as it is.

    The event happened an hour before ``now`` (an SIR may not be dated in the future);
    ``envelope`` overrides or adds envelope fields (priority, case_number, ...).
    """
    payload: dict[str, Any] = {
        "type": report_type,
        "title": title or f"Test {report_type} {seed}",
        "event_at": (now - timedelta(hours=1)).isoformat(),
        "body": complete_body(report_type, seed=seed, now=now),
    }
    payload.update(envelope)
    return payload


# ---- finding fields of a kind in a type, for bad-input tests -------------------------


def field_paths(spec: ReportTypeSpec, kind: FieldKind) -> list[tuple[str, ...]]:
    """Paths (field names, with ``0`` for the first list entry) of every field of ``kind``."""
    return list(_paths(spec.fields, (), kind))


def _paths(fields: list[FieldSpec], prefix: tuple[str, ...], kind: FieldKind) -> Any:
    for f in fields:
        here = (*prefix, f.name)
        if f.kind is kind:
            yield here
        if f.kind is FieldKind.GROUP:
            yield from _paths(f.fields or [], here, kind)
        elif f.kind is FieldKind.LIST:
            yield from _paths(f.fields or [], (*here, "0"), kind)


def set_path(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """Set ``value`` at ``path`` in ``body`` (in place), creating groups and list entries."""
    node: Any = body
    for part, nxt in itertools.pairwise(path):
        key: Any = int(part) if isinstance(node, list) else part
        if isinstance(node, list):
            while len(node) <= key:
                node.append({})
        elif key not in node or node[key] in (None, "", []):
            node[key] = [] if nxt.isdigit() else {}
        node = node[key]
    last = path[-1]
    if isinstance(node, list):
        index = int(last)
        while len(node) <= index:
            node.append({})
        node[index] = value
    else:
        node[last] = value
    return body


def wire_path(path: tuple[str, ...]) -> str:
    """The ``errors[].field`` the server uses for a body path, e.g. ``body.subjects.0.a_number``."""
    return ".".join(("body", *path))
