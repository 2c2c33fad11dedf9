"""`sen-server audit verify`: check every link and every checkpoint; name the first bad record."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.chain import GENESIS_HASH, record_hash
from sen_server.audit.signing import CheckpointSigner
from sen_server.models import AuditCheckpoint, AuditRecord

BATCH = 5000


@dataclass
class VerifyResult:
    ok: bool
    records: int
    checkpoints: int
    first_bad_seq: int | None = None
    problem: str = ""


async def verify_chain(session: AsyncSession, signer: CheckpointSigner) -> VerifyResult:
    checkpoints = {
        cp.seq: cp
        for cp in (await session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq))))
    }
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
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
            problem = _check_record(record, expected_seq, prev_hash, checkpoints.get(record.seq))
            if problem:
                return VerifyResult(False, count, len(checkpoints), record.seq, problem)
            cp = checkpoints.get(record.seq)
            if cp is not None and not signer.verify(cp.seq, cp.hash, cp.signature):
                return VerifyResult(
                    False, count, len(checkpoints), record.seq, "checkpoint signature is invalid"
                )
            prev_hash, expected_seq, count = record.hash, record.seq + 1, count + 1
    beyond = [seq for seq in checkpoints if seq >= expected_seq]
    if beyond:
        return VerifyResult(
            False,
            count,
            len(checkpoints),
            expected_seq,
            f"record missing: a checkpoint signs record {min(beyond)} but the chain ends "
            f"at {expected_seq - 1}",
        )
    return VerifyResult(True, count, len(checkpoints))


def _check_record(
    record: AuditRecord, expected_seq: int, prev_hash: str, checkpoint: AuditCheckpoint | None
) -> str:
    if record.seq != expected_seq:
        return f"record missing before this one: expected {expected_seq}"
    if record.prev_hash != prev_hash:
        return "previous-hash link broken (a record was removed, inserted or reordered)"
    if record_hash(record) != record.hash:
        return "content does not match its hash (the record was altered)"
    if checkpoint is not None and checkpoint.hash != record.hash:
        return "does not match its signed checkpoint (the chain was rewritten)"
    return ""
