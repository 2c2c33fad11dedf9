"""`sen-server audit verify`: check every link and every checkpoint; name the first bad record."""

from collections import OrderedDict
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.chain import GENESIS_HASH, record_hash
from sen_server.audit.signing import CheckpointSigner
from sen_server.models import AuditCheckpoint, AuditRecord

BATCH = 5000
# How far back a broken link is looked up, to tell "records were inserted here" apart.
RECENT_HASHES = 1000


@dataclass
class VerifyResult:
    ok: bool
    records: int
    checkpoints: int
    first_bad_seq: int | None = None
    problem: str = ""


async def verify_chain(
    session: AsyncSession, signer: CheckpointSigner, *, checkpoint_every: int = 0
) -> VerifyResult:
    """Check the whole chain. ``checkpoint_every`` (the writer's setting; 0: not checked)
    also requires a signed checkpoint at least every that many records, so that deleting
    the checkpoints along with a rewrite is caught too."""
    checkpoints = {
        cp.seq: cp
        for cp in (await session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq))))
    }

    def bad(seq: int, problem: str) -> VerifyResult:
        return VerifyResult(False, count, len(checkpoints), seq, problem)

    expected_seq, prev_hash, count, last_signed = 1, GENESIS_HASH, 0, 0
    recent: OrderedDict[str, int] = OrderedDict()
    while True:
        batch = (
            await session.exec(
                select(AuditRecord)
                .where(col(AuditRecord.seq) >= expected_seq)
                .order_by(col(AuditRecord.seq))
                .limit(BATCH)
            )
        ).all()
        if not batch:
            break
        for record in batch:
            if record.seq != expected_seq:
                return bad(
                    expected_seq,
                    f"record missing (the next record present is {record.seq})",
                )
            if record.prev_hash != prev_hash:
                linked = recent.get(record.prev_hash)
                if linked is not None and linked < record.seq - 1:
                    # The record after `linked` is not the one this record was chained to.
                    return bad(
                        linked + 1,
                        f"not part of the chain: record {record.seq} links to record "
                        f"{linked} (a record was inserted)",
                    )
                return bad(
                    record.seq,
                    "previous-hash link broken (a record was removed, inserted or reordered)",
                )
            if record_hash(record) != record.hash:
                return bad(record.seq, "content does not match its hash (the record was altered)")
            cp = checkpoints.get(record.seq)
            if cp is not None:
                if cp.hash != record.hash:
                    return bad(
                        record.seq,
                        "does not match its signed checkpoint (the chain was rewritten)",
                    )
                if not signer.verify(cp.seq, cp.hash, cp.signature):
                    return bad(record.seq, "checkpoint signature is invalid")
                last_signed = record.seq
            elif checkpoint_every > 0 and record.seq - last_signed >= checkpoint_every:
                return bad(
                    record.seq,
                    f"no signed checkpoint since record {last_signed} (one is written every "
                    f"{checkpoint_every} records): checkpoints were removed",
                )
            recent[record.hash] = record.seq
            if len(recent) > RECENT_HASHES:
                recent.popitem(last=False)
            prev_hash, expected_seq, count = record.hash, record.seq + 1, count + 1
    beyond = [seq for seq in checkpoints if seq >= expected_seq]
    if beyond:
        return bad(
            expected_seq,
            f"record missing: a checkpoint signs record {min(beyond)} but the chain ends "
            f"at {expected_seq - 1}",
        )
    return VerifyResult(True, count, len(checkpoints))
