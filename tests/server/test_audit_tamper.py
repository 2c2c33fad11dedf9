"""The audit log cannot be silently altered (SPEC §9).

While the append-only triggers stand, the database itself refuses changes. A database
owner can drop them; then every kind of tampering an auditor worries about must still be
caught by `sen-server audit verify`, which names the first bad record. Runs on SQLite and
on PostgreSQL.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.app import create_app
from sen_server.audit.chain import canonical_form, link_hash, record_hash
from sen_server.audit.signing import CheckpointSigner
from sen_server.audit.verify import VerifyResult, verify_chain
from sen_server.migrate import upgrade_async
from sen_server.models import AuditCheckpoint, AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.databases import PG_ADMIN_DSN, create_pg_database, drop_pg_database, pg_url
from tests.support.demo import seed_demo

CHECKPOINT_EVERY = 10


@dataclass
class Chain:
    """A seeded database with a real audit chain, and the tools to tamper with it."""

    settings: ServerSettings
    runtime: Runtime

    @property
    def is_sqlite(self) -> bool:
        return self.settings.is_sqlite

    async def verify(self, signer: CheckpointSigner | None = None) -> VerifyResult:
        async with self.runtime.sessions() as session:
            return await verify_chain(
                session,
                signer or self.runtime.signer,
                checkpoint_every=self.settings.audit_checkpoint_every,
            )

    async def seqs(self) -> list[int]:
        async with self.runtime.sessions() as session:
            rows = await session.exec(select(AuditRecord.seq).order_by(col(AuditRecord.seq)))
            return list(rows.all())

    async def checkpoint_seqs(self) -> list[int]:
        async with self.runtime.sessions() as session:
            rows = await session.exec(
                select(AuditCheckpoint.seq).order_by(col(AuditCheckpoint.seq))
            )
            return list(rows.all())

    async def record(self, seq: int) -> AuditRecord:
        async with self.runtime.sessions() as session:
            found = await session.get(AuditRecord, seq)
            assert found is not None
            return found

    async def tamper(self, work: Callable[[AsyncSession], Coroutine[Any, Any, Any]]) -> None:
        async with self.runtime.sessions() as session, session.begin():
            await work(session)

    async def drop_triggers(self) -> None:
        """What a database owner can do: remove the append-only triggers."""
        if self.is_sqlite:
            names = [
                f"DROP TRIGGER {table}_no_{verb}"
                for table in ("audit_record", "audit_checkpoint")
                for verb in ("update", "delete")
            ]
        else:
            names = [
                f"DROP TRIGGER {table}_{kind} ON {table}"
                for table in ("audit_record", "audit_checkpoint")
                for kind in ("append_only", "no_truncate")
            ]

        async def work(session: AsyncSession) -> None:
            for statement in names:
                await session.exec(text(statement))  # type: ignore[call-overload]

        await self.tamper(work)

    def cli_verify(self, **env: str) -> subprocess.CompletedProcess[str]:
        return audit_verify_cli(self.settings, **env)


def audit_verify_cli(settings: ServerSettings, **extra: str) -> subprocess.CompletedProcess[str]:
    """`sen-server audit verify`, as the auditor runs it on the server host."""
    env = dict(os.environ)
    env.update(
        SEN_DATABASE_URL=settings.database_url,
        SEN_DATA_DIR=str(settings.data_dir),
        SEN_AUDIT_CHECKPOINT_EVERY=str(settings.audit_checkpoint_every),
        SEN_CONFIG="/nonexistent",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "sen_server.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _seed_template(settings: ServerSettings) -> None:
    """The demo organisation with 30 reports (comfortably over the 50 audit records the
    tests need, whichever fates the synthetic reports draw) and a few API calls on top."""
    await upgrade_async(settings)
    await seed_demo(settings, reports=30)
    async with AsyncTestClient(app=create_app(settings)) as client:
        headers = await login(client, "agent.nyc")
        created = await client.post(
            "/api/v1/reports", json={"type": "SIR", "title": "Tamper test"}, headers=headers
        )
        assert created.status_code == 201, created.text
        await client.get(f"/api/v1/reports/{created.json()['id']}", headers=headers)
        await client.get("/api/v1/reports", headers=headers)
        await client.post("/api/v1/auth/logout", headers=headers)


@pytest.fixture(scope="module")
async def templates(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """Seeding takes seconds, so each database is seeded once per module and copied for
    every test (SQLite: the files; PostgreSQL: CREATE DATABASE ... TEMPLATE)."""
    built: dict[str, Any] = {}
    yield built
    if "postgres" in built:
        drop_pg_database(built["postgres"][1])


def with_checkpoints(data_dir: Path, database_url: str) -> ServerSettings:
    return ServerSettings(
        data_dir=data_dir,
        database_url=database_url,
        sqlite_synchronous="NORMAL",
        audit_checkpoint_every=CHECKPOINT_EVERY,
    )


@pytest.fixture
async def chain(
    db_settings: ServerSettings,
    templates: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Chain]:
    """``db_settings``' database, filled with the seeded template: a real audit chain of
    50-odd records with a signed checkpoint every 10."""
    settings = with_checkpoints(db_settings.data_dir, db_settings.database_url)
    backend = "sqlite" if settings.is_sqlite else "postgres"
    if backend not in templates:
        folder = tmp_path_factory.mktemp(f"audit-template-{backend}")
        name = "" if settings.is_sqlite else create_pg_database()
        template = with_checkpoints(folder, pg_url(name) if name else "")
        templates[backend] = (template, name)
        await _seed_template(template)
    template, name = templates[backend]
    shutil.copytree(template.data_dir / "keys", settings.data_dir / "keys", dirs_exist_ok=True)
    if settings.is_sqlite:
        for path in template.data_dir.glob("sen.db*"):
            shutil.copy(path, settings.data_dir / path.name)
    else:
        target = settings.database_url.rsplit("/", 1)[1]
        drop_pg_database(target)
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {target} TEMPLATE {name}")
    runtime = Runtime.build(settings)
    try:
        built = Chain(settings, runtime)
        seqs = await built.seqs()
        assert len(seqs) >= 5 * CHECKPOINT_EVERY, "too few records to tamper with"
        yield built
    finally:
        await runtime.engine.dispose()


# ---- untouched ----------------------------------------------------------------------------


async def test_an_untouched_chain_verifies(chain: Chain) -> None:
    """On an untouched log the auditor's check passes and counts every record and checkpoint."""
    seqs = await chain.seqs()
    result = await chain.verify()
    assert result.ok, result
    assert result.records == len(seqs)
    assert result.checkpoints == len(await chain.checkpoint_seqs()) >= len(seqs) // CHECKPOINT_EVERY
    cli = chain.cli_verify()
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert f"{len(seqs)} records" in cli.stdout


async def test_the_database_refuses_to_change_the_log(chain: Chain) -> None:
    """With the triggers in place, UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit
    records and checkpoints fail in the database itself."""
    attempts: list[Any] = [
        update(AuditRecord).where(col(AuditRecord.seq) == 5).values(outcome="success"),
        delete(AuditRecord).where(col(AuditRecord.seq) == 5),
        delete(AuditRecord),
        update(AuditCheckpoint).where(col(AuditCheckpoint.seq) == 10).values(hash="0" * 64),
        delete(AuditCheckpoint).where(col(AuditCheckpoint.seq) == 10),
    ]
    if not chain.is_sqlite:
        attempts += [text("TRUNCATE audit_record CASCADE"), text("TRUNCATE audit_checkpoint")]
    for statement in attempts:

        async def work(session: AsyncSession, statement: Any = statement) -> None:
            await session.exec(statement)

        with pytest.raises(DBAPIError, match="append-only"):
            await chain.tamper(work)
    assert (await chain.verify()).ok


# ---- tampering after the triggers are dropped ---------------------------------------------


async def _edit_details(chain: Chain, seq: int) -> int:
    async def work(session: AsyncSession) -> None:
        await session.exec(
            update(AuditRecord)
            .where(col(AuditRecord.seq) == seq)
            .values(details={"reason": "nothing to see here"})
        )

    await chain.tamper(work)
    return seq


async def _edit_actor(chain: Chain, seq: int) -> int:
    async def work(session: AsyncSession) -> None:
        await session.exec(
            update(AuditRecord).where(col(AuditRecord.seq) == seq).values(actor="someone.else")
        )

    await chain.tamper(work)
    return seq


async def _delete_middle(chain: Chain, seq: int) -> int:
    async def work(session: AsyncSession) -> None:
        await session.exec(delete(AuditRecord).where(col(AuditRecord.seq) == seq))

    await chain.tamper(work)
    return seq


async def _shift(session: AsyncSession, after: int, by: int) -> None:
    """Renumber every record after ``after`` by ``by`` (via negative numbers, so that the
    primary key never collides mid-statement)."""
    await session.exec(
        update(AuditRecord)
        .where(col(AuditRecord.seq) > after)
        .values(seq=-(col(AuditRecord.seq) + by))
    )
    await session.exec(
        update(AuditRecord).where(col(AuditRecord.seq) < 0).values(seq=-col(AuditRecord.seq))
    )


async def _delete_and_renumber(chain: Chain, seq: int) -> int:
    """Delete a record and close the gap, so the numbers look contiguous."""

    async def work(session: AsyncSession) -> None:
        await session.exec(delete(AuditRecord).where(col(AuditRecord.seq) == seq))
        await _shift(session, seq, -1)

    await chain.tamper(work)
    return seq


async def _insert_forged(chain: Chain, seq: int) -> int:
    """Splice a forged record in after ``seq - 1``, renumbering the rest, with a hash that is
    correct for its own content and linked to the record before it."""
    before = await chain.record(seq - 1)

    async def work(session: AsyncSession) -> None:
        await _shift(session, seq - 1, +1)
        fields: dict[str, Any] = {
            "seq": seq,
            "at": before.at,
            "actor": "admin",
            "roles": ["admin"],
            "session": None,
            "source": "local",
            "action": "admin.user_roles",
            "object_type": "user",
            "object_id": "agent.nyc",
            "outcome": "success",
            "details": {"roles": ["admin", "agent"]},
        }
        digest = link_hash(before.hash, canonical_form(**fields))
        session.add(AuditRecord(**fields, prev_hash=before.hash, hash=digest))

    await chain.tamper(work)
    return seq


async def _append_fake_tail(chain: Chain, _: int) -> int:
    """Append a record at the end with a made-up hash."""
    head = max(await chain.seqs())
    last = await chain.record(head)

    async def work(session: AsyncSession) -> None:
        session.add(
            AuditRecord(
                seq=head + 1,
                at=last.at,
                actor="admin",
                roles=["admin"],
                action="auth.login",
                outcome="success",
                details={},
                prev_hash=last.hash,
                hash="f" * 64,
            )
        )

    await chain.tamper(work)
    return head + 1


async def _swap(chain: Chain, seq: int) -> int:
    """Exchange the positions of two records (seq and seq + 3)."""
    other = seq + 3

    async def work(session: AsyncSession) -> None:
        for old, new in ((seq, -1), (other, seq), (-1, other)):
            await session.exec(
                update(AuditRecord).where(col(AuditRecord.seq) == old).values(seq=new)
            )

    await chain.tamper(work)
    return seq


async def _truncate_tail(chain: Chain, _: int) -> int:
    """Cut the log off a few records before the last checkpoint (checkpoints left alone)."""
    cut = max(await chain.checkpoint_seqs()) - 5

    async def work(session: AsyncSession) -> None:
        await session.exec(delete(AuditRecord).where(col(AuditRecord.seq) > cut))

    await chain.tamper(work)
    return cut + 1


TAMPERING: dict[str, Callable[[Chain, int], Coroutine[Any, Any, int]]] = {
    "edit_details": _edit_details,
    "edit_actor": _edit_actor,
    "delete_middle": _delete_middle,
    "delete_and_renumber": _delete_and_renumber,
    "insert_forged": _insert_forged,
    "append_fake_tail": _append_fake_tail,
    "swap": _swap,
    "truncate_tail": _truncate_tail,
}


@pytest.mark.parametrize("kind", list(TAMPERING))
async def test_tampering_is_caught_at_the_record_touched(chain: Chain, kind: str) -> None:
    """Whatever a database owner does to one record, verify fails and names that record."""
    assert (await chain.verify()).ok
    await chain.drop_triggers()
    # 23 is no checkpoint (every 10th is), so only the chain itself can give it away.
    touched = await TAMPERING[kind](chain, 23)

    result = await chain.verify()
    assert not result.ok
    assert result.first_bad_seq == touched, result
    cli = chain.cli_verify()
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert f"record {touched}:" in cli.stdout


async def _rewrite_from(chain: Chain, seq: int) -> None:
    """Edit one record and recompute every hash after it, so that every link verifies."""
    async with chain.runtime.sessions() as session, session.begin():
        records = (
            await session.exec(
                select(AuditRecord)
                .where(col(AuditRecord.seq) >= seq)
                .order_by(col(AuditRecord.seq))
            )
        ).all()
        prev_hash = records[0].prev_hash
        for record in records:
            if record.seq == seq:
                record.details = {"reason": "rewritten"}
            record.prev_hash = prev_hash
            record.hash = record_hash(record)
            prev_hash = record.hash
            session.add(record)


async def test_a_consistent_rewrite_is_caught_by_the_signed_checkpoints(chain: Chain) -> None:
    """Someone who edits a record and recomputes every hash after it leaves a chain whose
    links all verify; the signed checkpoint after the edit gives it away."""
    await chain.drop_triggers()
    await _rewrite_from(chain, 23)
    result = await chain.verify()
    assert not result.ok
    assert result.first_bad_seq == 30, result  # the first checkpoint after the edit
    assert "checkpoint" in result.problem
    cli = chain.cli_verify()
    assert cli.returncode == 1 and "record 30:" in cli.stdout


async def test_checkpoints_rewritten_without_the_key_are_caught(chain: Chain) -> None:
    """Rewriting the checkpoints too doesn't help without the signing key: re-signed with
    another key (or left with the old signatures), they fail verification."""
    await chain.drop_triggers()
    await _rewrite_from(chain, 23)
    forger = CheckpointSigner(Ed25519PrivateKey.generate())

    async def resign(session: AsyncSession) -> None:
        for cp in (await session.exec(select(AuditCheckpoint))).all():
            record = await session.get(AuditRecord, cp.seq)
            assert record is not None
            cp.hash, cp.signature, cp.key_id = (
                record.hash,
                forger.sign(cp.seq, record.hash),
                forger.key_id,
            )
            session.add(cp)

    await chain.tamper(resign)
    result = await chain.verify()
    assert not result.ok
    assert result.first_bad_seq == 10, result  # every checkpoint was re-signed: the first fails
    assert "signature" in result.problem


async def test_a_rewrite_that_also_deletes_the_checkpoints_is_caught(chain: Chain) -> None:
    """Deleting the checkpoints along with the rewrite leaves a log without the signatures
    that are written every N records: verify says so."""
    await chain.drop_triggers()
    await _rewrite_from(chain, 23)

    async def remove(session: AsyncSession) -> None:
        await session.exec(delete(AuditCheckpoint))

    await chain.tamper(remove)
    result = await chain.verify()
    assert not result.ok
    assert result.first_bad_seq == CHECKPOINT_EVERY, result
    assert "checkpoint" in result.problem


async def test_a_checkpoint_signed_with_another_key_fails(chain: Chain) -> None:
    """Checked against a different key, the very first checkpoint fails; and a single
    checkpoint whose signature was made with another key is named."""
    stranger = CheckpointSigner(Ed25519PrivateKey.generate())
    result = await chain.verify(signer=stranger)
    assert not result.ok and result.first_bad_seq == CHECKPOINT_EVERY
    assert "signature" in result.problem

    await chain.drop_triggers()

    async def resign(session: AsyncSession) -> None:
        cp = await session.get(AuditCheckpoint, 30)
        assert cp is not None
        cp.signature, cp.key_id = stranger.sign(cp.seq, cp.hash), stranger.key_id
        session.add(cp)

    await chain.tamper(resign)
    result = await chain.verify()
    assert not result.ok and result.first_bad_seq == 30, result
    assert "signature" in result.problem


async def test_the_cli_uses_the_key_file_outside_the_database(chain: Chain, tmp_path: Path) -> None:
    """The signing key lives in a file, not in the database: the auditor's CLI pointed at
    another key file rejects the checkpoints."""
    env_key = tmp_path / "other-key" / "audit-signing.pem"
    CheckpointSigner.load_or_create(env_key)
    assert chain.settings.resolved_audit_key_file.exists()
    async with chain.runtime.sessions() as session:
        stored = " ".join(
            str(v)
            for row in (await session.exec(select(AuditCheckpoint))).all()
            for v in row.model_dump().values()
        )
    assert "PRIVATE KEY" not in stored
    cli = chain.cli_verify(SEN_AUDIT_KEY_FILE=str(env_key))
    assert cli.returncode == 1
    assert f"record {CHECKPOINT_EVERY}:" in cli.stdout


async def test_seq_numbers_are_contiguous_after_real_use(chain: Chain) -> None:
    """The chain is one sequence with no holes, and each checkpoint signs a record in it."""
    seqs = await chain.seqs()
    assert seqs == list(range(1, len(seqs) + 1))
    async with chain.runtime.sessions() as session:
        head = (await session.exec(select(func.max(AuditRecord.seq)))).one()
    assert set(await chain.checkpoint_seqs()) <= set(range(1, head + 1))
