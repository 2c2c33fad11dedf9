"""A long, valid audit chain, written straight into SEN's own tables.

Producing 300,000 records through audited requests would take hours; here each record is
made by the real chain code (chain.canonical_form, chain.link_hash) and inserted with
SQLAlchemy Core executemany, as the writer inserts its batches, so the stored values are
exactly what SEN stores. A checkpoint is signed every ``checkpoint_every`` records with
the key `sen-server audit verify` will use. The mix of actions and details follows what
the server writes: mostly small objects, some page views carrying 50 report ids, some
non-ASCII and control characters from failed log-ins.
"""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert

from sen_server.audit.chain import GENESIS_HASH, canonical_form, link_hash
from sen_server.audit.signing import CheckpointSigner
from sen_server.db import create_engine
from sen_server.models import AuditCheckpoint, AuditRecord
from sen_server.settings import ServerSettings

CHUNK = 5_000
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
ACTORS = [
    ("agent.nyc", ["agent"]),
    ("officer.lax", ["officer"]),
    ("sup.nyc", ["agent", "supervisor"]),
    ("iroc.watch", ["iroc"]),
    ("admin", ["admin"]),
]
FIELDS = ["category", "injuries", "location", "narrative", "subjects", "supervisor_contact"]
TRIED = ["jos\u00e9.garc\u00eda", "\u674e\u96f7", "zo\u00eb\ttab", "line\nbreak", 'quote"d']


def _report_id(rng: random.Random) -> str:
    return f"SIR-2026-{rng.randint(1, 999_999):06d}"


def _entry(rng: random.Random) -> tuple[str, str | None, str | None, str, dict[str, Any]]:
    """(action, object_type, object_id, outcome, details), in the server's proportions."""
    roll = rng.random()
    details: dict[str, Any]
    if roll < 0.35:
        return "report.read", "report", _report_id(rng), "success", {}
    if roll < 0.50:
        details = {"version": rng.randint(1, 6), "late": rng.random() < 0.1}
        return "report.submit", "report", _report_id(rng), "success", details
    if roll < 0.62:
        details = {"type": "SIR", "fields": rng.sample(FIELDS, rng.randint(1, len(FIELDS)))}
        return "report.create", "report", _report_id(rng), "success", details
    if roll < 0.72:
        details = {
            "ids": [_report_id(rng) for _ in range(50)],
            "filters": {"type": "SIR"} if rng.random() < 0.5 else {},
            "offset": rng.choice([0, 50, 100]),
        }
        return "queue.view", "queue", "mine", "success", details
    if roll < 0.80:
        details = {"username_tried": rng.choice(TRIED), "reason": "bad_password"}
        return "auth.login", None, None, "failure", details
    if roll < 0.92:
        return "auth.login", None, None, "success", {}
    return "events.subscribe", None, None, "success", {"from": rng.randint(0, 10**6)}


def chain_rows(
    count: int, signer: CheckpointSigner, checkpoint_every: int, seed: int = 2026
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``count`` chained audit rows and their checkpoints, as the writer would store them."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    checkpoints: list[dict[str, Any]] = []
    prev_hash = GENESIS_HASH
    at = START
    for seq in range(1, count + 1):
        at += timedelta(microseconds=rng.randint(1, 2_000_000))
        actor, roles = rng.choice(ACTORS)
        action, object_type, object_id, outcome, details = _entry(rng)
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "roles": roles,
            "session": f"{rng.getrandbits(64):016x}",
            "source": "127.0.0.1",
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "outcome": outcome,
            "details": details,
        }
        digest = link_hash(prev_hash, canonical_form(**fields))
        records.append(fields | {"prev_hash": prev_hash, "hash": digest})
        if checkpoint_every and seq % checkpoint_every == 0:
            checkpoints.append(
                {
                    "seq": seq,
                    "hash": digest,
                    "signature": signer.sign(seq, digest),
                    "key_id": signer.key_id,
                    "created_at": at,
                }
            )
        prev_hash = digest
    return records, checkpoints


def _table(model: Any) -> Table:
    table: Table = model.__table__  # set by SQLModel at runtime
    return table


async def write_chain(
    settings: ServerSettings, records: list[dict[str, Any]], checkpoints: list[dict[str, Any]]
) -> None:
    """Insert into a migrated, empty database (the append-only triggers allow INSERT)."""
    engine = create_engine(settings)
    try:
        async with engine.begin() as conn:
            for table, rows in ((AuditRecord, records), (AuditCheckpoint, checkpoints)):
                for start in range(0, len(rows), CHUNK):
                    await conn.execute(insert(_table(table)), rows[start : start + CHUNK])
    finally:
        await engine.dispose()
