"""`sen-server audit verify`: check every link and every checkpoint; name the first bad record.

The walk goes up the chain from record 1. Records are read as plain driver rows and hashed
by fast_hash; a record whose hash it cannot vouch for (or that does not match) is loaded as
an ORM object and hashed by chain.record_hash, the reference, before it is called altered.
On a long chain a helper process checks chunks from the head down (hash_helper.py); the
walk takes a chunk it reports clean as a whole — checking where it joins the chain, the
signature of every checkpoint in it and the distance between them — and walks any other
record by record. So every verdict is the one the record-by-record walk with record_hash
gives; the shortcuts only change how long it takes (bench/audit_verify.py).
"""

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.anchors import Anchor
from sen_server.audit.chain import GENESIS_HASH, record_hash
from sen_server.audit.chain_rows import ChainReader
from sen_server.audit.fast_hash import HASH, PREV_HASH, SEQ, Row
from sen_server.audit.hash_helper import ChunkResult
from sen_server.audit.helper_client import HelperConfig
from sen_server.audit.signing import CheckpointSigner
from sen_server.models import AuditCheckpoint, AuditRecord

# How far back a broken link is looked up, to tell "records were inserted here" apart.
RECENT_HASHES = 1000
REFERENCE_BATCH = 1000
DEFAULT_HELPER = HelperConfig()


class Checkpoint(NamedTuple):
    seq: int
    hash: str
    signature: str
    every: int | None = None  # the interval signed with it (None: before 0013)


@dataclass
class VerifyResult:
    ok: bool
    records: int
    checkpoints: int
    first_bad_seq: int | None = None
    problem: str = ""
    anchors: int = 0  # checkpoints read from an anchors file outside the database


async def verify_chain(
    session: AsyncSession,
    signer: CheckpointSigner,
    *,
    checkpoint_every: int = 0,
    helper: HelperConfig | None = DEFAULT_HELPER,
    anchors: Sequence[Anchor] = (),
) -> VerifyResult:
    """Check the whole chain. ``checkpoint_every`` (the writer's setting; 0: not checked)
    also requires a signed checkpoint at least every that many records, so that deleting
    the checkpoints along with a rewrite is caught too; from the first checkpoint that
    carries its own interval on, that interval is the one required. ``helper``: when to let
    a second process recompute hashes (hash_helper.py); None: never. ``anchors``: copies of
    checkpoints kept outside the database (anchors.py); each must match the chain, so a tail
    cut off together with its checkpoints is caught."""
    # Plain rows, not ORM objects: a long chain has tens of thousands of checkpoints.
    query = select(
        AuditCheckpoint.seq,
        AuditCheckpoint.hash,
        AuditCheckpoint.signature,
        AuditCheckpoint.every,
    )
    checkpoints = {
        seq: Checkpoint(seq, chain_hash, signature, every)
        for seq, chain_hash, signature, every in await session.exec(query)
    }
    # An anchor stands for its checkpoint: where the database's copy differs (or is gone),
    # the anchor is the one the chain must match.
    for anchor in anchors:
        checkpoints[anchor.seq] = Checkpoint(
            anchor.seq, anchor.hash, anchor.signature, anchor.every
        )
    signed = {seq: cp.hash for seq, cp in checkpoints.items()}
    rows = await ChainReader.open(await session.connection(), signed, helper)
    try:
        result = await _Walk(session, rows, signer, checkpoints, checkpoint_every).run()
    finally:
        await rows.close()
    result.anchors = len(anchors)
    return result


class _Walk:
    """One pass along the chain, in seq order, stopping at the first bad record."""

    def __init__(
        self,
        session: AsyncSession,
        rows: ChainReader,
        signer: CheckpointSigner,
        checkpoints: dict[int, Checkpoint],
        checkpoint_every: int,
    ) -> None:
        self.session, self.rows, self.signer = session, rows, signer
        self.checkpoints, self.checkpoint_every = checkpoints, checkpoint_every
        self.checkpoint_seqs = sorted(checkpoints)
        self.references: dict[int, AuditRecord] = {}
        # Where the walk stands: the next seq, the hash it must link to, the last
        # record with a (verified) checkpoint.
        self.expected, self.prev_hash, self.last_signed = 1, GENESIS_HASH, 0

    def bad(self, expected_seq: int, seq: int, problem: str) -> VerifyResult:
        # Records 1 .. expected_seq - 1 were verified before the walk stopped.
        return VerifyResult(False, expected_seq - 1, len(self.checkpoints), seq, problem)

    async def run(self) -> VerifyResult:
        while (batch := await self.rows.next_batch()) is not None:
            if isinstance(batch, ChunkResult):
                if self.take_chunk(batch):
                    continue
                batch = await self.rows.rows_of(batch)
            if (failed := await self.walk(*batch)) is not None:
                return failed
        expected = self.expected
        beyond = [seq for seq in self.checkpoints if seq >= expected]
        if beyond:
            missing = (
                f"record missing: a checkpoint signs record {min(beyond)} but the chain ends "
                f"at {expected - 1}"
            )
            return self.bad(expected, expected, missing)
        return VerifyResult(True, expected - 1, len(self.checkpoints))

    async def walk(self, rows: Sequence[Row], digests: list[str | None]) -> VerifyResult | None:
        """Record by record; None if all of them are right."""
        checkpoints, checkpoint_every = self.checkpoints, self.checkpoint_every
        expected, prev_hash, last_signed = self.expected, self.prev_hash, self.last_signed
        for row, digest in zip(rows, digests, strict=True):
            seq, stored_hash = row[SEQ], row[HASH]
            if seq != expected:
                missing = f"record missing (the next record present is {seq})"
                return self.bad(expected, expected, missing)
            if row[PREV_HASH] != prev_hash:
                return await self.broken_link(expected, row)
            if digest != stored_hash and await self.reference_hash(seq) != stored_hash:
                altered = "content does not match its hash (the record was altered)"
                return self.bad(expected, seq, altered)
            cp = checkpoints.get(seq)
            if cp is not None:
                if cp.hash != stored_hash:
                    rewritten = "does not match its signed checkpoint (the chain was rewritten)"
                    return self.bad(expected, seq, rewritten)
                if not self.signer.verify(cp.seq, cp.hash, cp.signature, cp.every):
                    return self.bad(expected, seq, "checkpoint signature is invalid")
                last_signed = seq
                if cp.every is not None:
                    checkpoint_every = self.checkpoint_every = cp.every
            elif checkpoint_every > 0 and seq - last_signed >= checkpoint_every:
                removed = (
                    f"no signed checkpoint since record {last_signed} (one is written every "
                    f"{checkpoint_every} records): checkpoints were removed"
                )
                return self.bad(expected, seq, removed)
            prev_hash, expected = stored_hash, seq + 1
        self.expected, self.prev_hash, self.last_signed = expected, prev_hash, last_signed
        return None

    def take_chunk(self, chunk: ChunkResult) -> bool:
        """Move past a chunk the helper has checked, if walking it record by record could
        find nothing wrong; False (nothing moved) if it might."""
        if not chunk.clean or chunk.lo != self.expected or chunk.first_prev_hash != self.prev_hash:
            return False
        # What is left of the walk's checks: the checkpoints' signatures, and that no
        # record without one is checkpoint_every or more past the last one that has one.
        every, last_signed = self.checkpoint_every, self.last_signed
        first = bisect_left(self.checkpoint_seqs, chunk.lo)
        for seq in self.checkpoint_seqs[first : bisect_right(self.checkpoint_seqs, chunk.hi)]:
            if every > 0 and seq - 1 - last_signed >= every:
                return False
            cp = self.checkpoints[seq]
            if not self.signer.verify(cp.seq, cp.hash, cp.signature, cp.every):
                return False
            last_signed = seq
            if cp.every is not None:
                every = cp.every
        if every > 0 and chunk.hi - last_signed >= every:
            return False
        assert chunk.last_hash is not None  # a clean chunk has records
        self.expected, self.prev_hash, self.last_signed = chunk.hi + 1, chunk.last_hash, last_signed
        self.checkpoint_every = every
        return True

    async def broken_link(self, expected: int, row: Row) -> VerifyResult:
        seq = row[SEQ]
        # Every record before this one has been verified: the last RECENT_HASHES of them.
        await self.rows.pause()
        recent = await self.session.exec(
            select(AuditRecord.seq, AuditRecord.hash)
            .where(col(AuditRecord.seq) < seq)
            .order_by(col(AuditRecord.seq).desc())
            .limit(RECENT_HASHES)
        )
        linked = next((s for s, h in recent if h == row[PREV_HASH]), None)
        if linked is not None and linked < seq - 1:
            # The record after `linked` is not the one this record was chained to.
            inserted = (
                f"not part of the chain: record {seq} links to record {linked} "
                "(a record was inserted)"
            )
            return self.bad(expected, linked + 1, inserted)
        broken = "previous-hash link broken (a record was removed, inserted or reordered)"
        return self.bad(expected, seq, broken)

    async def reference_hash(self, seq: int) -> str:
        """The record's hash computed the reference way (chain.record_hash of its ORM
        object). Records are loaded REFERENCE_BATCH at a time: where one needs it, the
        next often do too (a run of details holding floats, say)."""
        record = self.references.get(seq)
        if record is None:
            await self.rows.pause()
            loaded = await self.session.exec(
                select(AuditRecord)
                .where(col(AuditRecord.seq) >= seq)
                .order_by(col(AuditRecord.seq))
                .limit(REFERENCE_BATCH)
            )
            self.references = {r.seq: r for r in loaded}
            record = self.references[seq]
        return record_hash(record)
