"""Appending to the audit chain, inside the caller's transaction.

No change commits without its audit record: the record is written in the same transaction
as the change, as its last statement, under a lock that orders the whole chain across every
server instance (SQLite: the single writer of BEGIN IMMEDIATE; PostgreSQL: a transaction
advisory lock). The lock is held only from this insert to the commit.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.anchors import note_checkpoint
from sen_server.audit.chain import GENESIS_HASH, canonical_form, link_hash
from sen_server.audit.signing import CheckpointSigner
from sen_server.models import AuditCheckpoint, AuditRecord

# Any constant: the advisory lock key that serialises the audit chain and event positions.
CHAIN_LOCK_KEY = 0x5E4A0D17


@dataclass(frozen=True)
class AuditActor:
    """Who is acting, and from where. Anonymous requests have no username."""

    username: str | None = None
    roles: tuple[str, ...] = ()
    session: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    action: str
    outcome: str = "success"
    object_type: str | None = None
    object_id: str | None = None
    # Names and counts only, never PII values (checked by tests with canary values).
    details: dict[str, Any] = field(default_factory=dict)


async def lock_chain(session: AsyncSession) -> None:
    """Serialise chain writers across processes (a no-op on SQLite's single writer)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.exec(
            text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=CHAIN_LOCK_KEY)
        )  # type: ignore[call-overload]


# Built once: every group commit asks it.
_HEAD = select(AuditRecord.seq, AuditRecord.hash).order_by(col(AuditRecord.seq).desc()).limit(1)


async def chain_head(session: AsyncSession) -> tuple[int, str]:
    row = (await session.exec(_HEAD)).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


async def append_audit(
    session: AsyncSession,
    actor: AuditActor,
    entries: list[AuditEntry],
    *,
    now: datetime,
    signer: CheckpointSigner,
    checkpoint_every: int,
) -> None:
    await append_audit_batch(
        session,
        [(actor, entry) for entry in entries],
        now=now,
        signer=signer,
        checkpoint_every=checkpoint_every,
    )


async def append_audit_batch(
    session: AsyncSession,
    records: Sequence[tuple[AuditActor, AuditEntry]],
    *,
    now: datetime,
    signer: CheckpointSigner,
    checkpoint_every: int,
) -> None:
    """Chain ``records`` in the order given: the records of one request, or of every
    request in a group commit. One head lookup and one multi-row insert for all of them."""
    # Take every row lock the unit of work needs *before* the chain lock: a transaction
    # holding the chain lock must never wait for a row that a transaction queued on the
    # chain lock holds (a deadlock). A text() statement does not autoflush by itself.
    await session.flush()
    await lock_chain(session)
    seq, prev_hash = await chain_head(session)
    rows: list[dict[str, Any]] = []
    checkpoints: list[AuditCheckpoint] = []
    for actor, entry in records:
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "at": now,
            "actor": actor.username,
            "roles": sorted(actor.roles),
            "session": actor.session,
            "source": actor.source,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "outcome": entry.outcome,
            "details": entry.details,
        }
        digest = link_hash(prev_hash, canonical_form(**fields))
        rows.append(fields | {"prev_hash": prev_hash, "hash": digest})
        if checkpoint_every > 0 and seq % checkpoint_every == 0:
            checkpoints.append(checkpoint_row(signer, seq, digest, now, checkpoint_every))
        prev_hash = digest
    if rows:
        # Core, not ORM objects: a batch may hold hundreds of records.
        connection = await session.connection()
        await connection.execute(insert(AuditRecord), rows)
    session.add_all(checkpoints)
    for checkpoint in checkpoints:
        note_checkpoint(session.info, checkpoint)
    await session.flush()


def checkpoint_row(
    signer: CheckpointSigner, seq: int, chain_hash: str, now: datetime, every: int
) -> AuditCheckpoint:
    """A signed checkpoint; ``every`` is the writer's interval, stored and signed with it."""
    return AuditCheckpoint(
        seq=seq,
        hash=chain_hash,
        signature=signer.sign(seq, chain_hash, every),
        key_id=signer.key_id,
        created_at=now,
        every=every,
    )


async def checkpoint_head(
    session: AsyncSession, signer: CheckpointSigner, now: datetime, every: int
) -> int:
    """Sign the current head unless it is already signed. Returns the head's seq (0: empty)."""
    await lock_chain(session)
    seq, head_hash = await chain_head(session)
    if seq == 0 or await session.get(AuditCheckpoint, seq) is not None:
        return seq
    checkpoint = checkpoint_row(signer, seq, head_hash, now, every)
    session.add(checkpoint)
    note_checkpoint(session.info, checkpoint)
    await session.flush()
    return seq
