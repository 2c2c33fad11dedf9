"""verify with the hash helper (a second process hashing from the head down) reaches the
same verdict as without it, on every kind of tampering, on SQLite and PostgreSQL."""

import asyncio
import sys
from collections.abc import Awaitable, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.hash_helper import chunks
from sen_server.audit.helper_client import HashHelper, HelperConfig
from sen_server.audit.signing import CheckpointSigner
from sen_server.audit.verify import VerifyResult, verify_chain
from sen_server.models import AuditCheckpoint, AuditRecord
from tests.server import test_audit_tamper
from tests.server.test_audit_tamper import CHECKPOINT_EVERY, TAMPERING, Chain, _rewrite_from

# The tamper tests' seeded chain (50-odd records, a checkpoint every 10), as fixtures of
# this module too (pytest finds fixtures by the module attribute's name).
chain, templates = test_audit_tamper.chain, test_audit_tamper.templates

HELPERS = {
    # The helper claims the whole chain as one chunk before the walk starts: every hash
    # is its to check, and the walk reads only links.
    "helper-does-all": HelperConfig(min_records=0, chunk=10_000, wait_for_first_claim=True),
    # Chunks of 4 from the head down while the walk works up: they meet somewhere.
    "small-chunks": HelperConfig(min_records=0, chunk=4, wait_for_first_claim=True),
}


async def verify(chain: Chain, helper: HelperConfig | None) -> VerifyResult:
    async with chain.runtime.sessions() as session:
        return await verify_chain(
            session,
            chain.runtime.signer,
            checkpoint_every=chain.settings.audit_checkpoint_every,
            helper=helper,
        )


@pytest.mark.parametrize("helper", list(HELPERS))
async def test_an_untouched_chain_verifies_with_the_helper(chain: Chain, helper: str) -> None:
    alone = await verify(chain, None)
    assert alone.ok
    assert await verify(chain, HELPERS[helper]) == alone


@pytest.mark.parametrize("helper", list(HELPERS))
@pytest.mark.parametrize("kind", list(TAMPERING))
async def test_tampering_gets_the_same_verdict_with_the_helper(
    chain: Chain,
    kind: str,
    helper: str,
) -> None:
    await chain.drop_triggers()
    touched = await TAMPERING[kind](chain, 23)
    alone = await verify(chain, None)
    assert not alone.ok and alone.first_bad_seq == touched
    assert await verify(chain, HELPERS[helper]) == alone


async def _resign_with_another_key(chain: Chain) -> None:
    forger = CheckpointSigner(Ed25519PrivateKey.generate())

    async def resign(session: AsyncSession) -> None:
        for cp in (await session.exec(select(AuditCheckpoint))).all():
            record = await session.get(AuditRecord, cp.seq)
            assert record is not None
            cp.hash, cp.signature = record.hash, forger.sign(cp.seq, record.hash)
            session.add(cp)

    await chain.tamper(resign)


async def _delete_checkpoints(chain: Chain) -> None:
    async def remove(session: AsyncSession) -> None:
        await session.exec(delete(AuditCheckpoint))

    await chain.tamper(remove)


async def _nothing(_: Chain) -> None:
    pass


@pytest.mark.parametrize(
    "then", [_nothing, _resign_with_another_key, _delete_checkpoints], ids=lambda f: f.__name__
)
async def test_a_consistent_rewrite_gets_the_same_verdict_with_the_helper(
    chain: Chain,
    then: Callable[[Chain], Awaitable[None]],
) -> None:
    """Links and hashes all right after the edit: only the checkpoints (their hashes, their
    signatures, or their absence) can tell."""
    await chain.drop_triggers()
    await _rewrite_from(chain, 23)
    await then(chain)
    alone = await verify(chain, None)
    assert not alone.ok and "checkpoint" in alone.problem
    for helper in HELPERS.values():
        assert await verify(chain, helper) == alone


async def test_checkpoints_signed_by_another_key_get_the_same_verdict(chain: Chain) -> None:
    stranger = CheckpointSigner(Ed25519PrivateKey.generate())
    every = chain.settings.audit_checkpoint_every
    async with chain.runtime.sessions() as session:
        alone = await verify_chain(session, stranger, checkpoint_every=every, helper=None)
    assert alone.first_bad_seq == CHECKPOINT_EVERY
    for helper in HELPERS.values():
        async with chain.runtime.sessions() as session:
            helped = await verify_chain(session, stranger, checkpoint_every=every, helper=helper)
        assert helped == alone


async def test_the_helper_reports_each_chunk(chain: Chain) -> None:
    """The helper process itself: it claims and reports every chunk from the head down,
    counts the records it read, names the one whose hash does not match, tells whether
    they link up, and which checkpoints they do not match."""
    await chain.drop_triggers()
    await TAMPERING["edit_details"](chain, 23)
    await _rewrite_from(chain, 43)  # links and hashes right from 43 on; checkpoints not
    top = max(await chain.seqs())
    async with chain.runtime.sessions() as session:
        conn = await session.connection()
        url = conn.engine.url
        signed = {cp.seq: cp.hash for cp in (await session.exec(select(AuditCheckpoint))).all()}
    database = (
        str(url.database)
        if chain.is_sqlite
        else url.set(drivername="postgresql").render_as_string(hide_password=False)
    )
    dialect = "sqlite" if chain.is_sqlite else "postgresql"
    config = HelperConfig(min_records=0, chunk=CHECKPOINT_EVERY)
    helper = await HashHelper.start(dialect, database, top, signed, config)
    assert helper is not None
    try:
        seen = 0
        for lo, hi in chunks(top, CHECKPOINT_EVERY):
            found = None
            for _ in range(100):  # a chunk is claimed once the helper gets to it
                if (found := await helper.result(lo)) is not None:
                    break
                await asyncio.sleep(0.05)
            assert found is not None, lo
            assert found.count == hi - lo + 1 and found.linked
            assert found.suspects == ([23] if lo <= 23 <= hi else [])
            rewritten = [seq for seq in signed if lo <= seq <= hi and seq >= 43]
            assert found.unmatched_checkpoints == rewritten
            assert found.clean == (not found.suspects and not rewritten)
            seen += found.count
        assert seen == top
    finally:
        await helper.stop()


async def test_a_helper_that_dies_changes_nothing(
    chain: Chain,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """verify does the work itself when the helper exits at once."""
    await chain.drop_triggers()
    await TAMPERING["edit_actor"](chain, 23)
    alone = await verify(chain, None)
    monkeypatch.setattr(sys, "executable", "false")
    assert await verify(chain, HELPERS["helper-does-all"]) == alone
