"""The canonical form of an audit record and the hash that links it to the one before."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_form(
    *,
    seq: int,
    at: datetime,
    actor: str | None,
    roles: list[str],
    session: str | None,
    source: str | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    outcome: str,
    details: dict[str, Any],
) -> str:
    return json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor,
            "roles": sorted(roles),
            "session": session,
            "source": source,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "outcome": outcome,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def link_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def record_hash(record: Any) -> str:
    """Recompute the hash of a stored AuditRecord from its fields and prev_hash."""
    canonical = canonical_form(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        roles=list(record.roles),
        session=record.session,
        source=record.source,
        action=record.action,
        object_type=record.object_type,
        object_id=record.object_id,
        outcome=record.outcome,
        details=dict(record.details),
    )
    return link_hash(record.prev_hash, canonical)
