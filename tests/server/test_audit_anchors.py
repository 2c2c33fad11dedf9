"""Anchoring the audit chain outside the database (SPEC §9; issue 14): every signed
checkpoint is appended to SEN_AUDIT_ANCHORS_FILE once committed, carrying the interval it
was signed with, and `sen-server audit verify --anchors FILE` catches a tail cut off
together with its checkpoints, which the database alone cannot show. SQLite and PostgreSQL
(the truncation and the verifier's reads are SQL of each)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from sen_server.audit.verify import verify_chain
from sen_server.audit.writer import AuditActor, AuditEntry, append_audit
from sen_server.models import AuditCheckpoint
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork

EVERY = 5
ACTOR = AuditActor(username="isso", roles=("auditor",), source="127.0.0.1")


def anchored(settings: ServerSettings, tmp_path: Path) -> ServerSettings:
    return settings.model_copy(
        update={"audit_anchors_file": tmp_path / "anchors.jsonl", "audit_checkpoint_every": EVERY}
    )


async def write_records(runtime: Runtime, count: int) -> None:
    """Records through both commit paths: read units (group commit) and write units."""
    for n in range(count):
        async with UnitOfWork(runtime, ACTOR, read_only=n % 2 == 0) as unit:
            unit.audit(AuditEntry(action="audit.read", details={"n": n}))


def cli_verify(settings: ServerSettings, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("SEN_AUDIT_ANCHORS_FILE", None)
    env.update(
        SEN_DATABASE_URL=settings.database_url,
        SEN_DATA_DIR=str(settings.data_dir),
        SEN_AUDIT_CHECKPOINT_EVERY=str(EVERY),
        SEN_CONFIG="/nonexistent",
    )
    return subprocess.run(
        [sys.executable, "-m", "sen_server.cli", "audit", "verify", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def cut_tail(runtime: Runtime, after: int) -> None:
    """What a database owner can do: drop the append-only triggers, delete the newest
    records and the checkpoints that signed them."""
    if runtime.settings.is_sqlite:
        drops = [
            f"DROP TRIGGER {table}_no_delete" for table in ("audit_record", "audit_checkpoint")
        ]
    else:
        drops = [
            f"DROP TRIGGER {table}_append_only ON {table}"
            for table in ("audit_record", "audit_checkpoint")
        ]
    async with runtime.sessions() as session, session.begin():
        for statement in drops:
            await session.exec(text(statement))  # type: ignore[call-overload]
        for table in ("audit_record", "audit_checkpoint"):
            await session.exec(
                text(f"DELETE FROM {table} WHERE seq > :after").bindparams(after=after)  # type: ignore[call-overload]
            )


async def test_a_tail_cut_with_its_checkpoints_is_caught_by_the_anchors(
    db_settings: ServerSettings, tmp_path: Path
) -> None:
    settings = anchored(db_settings, tmp_path)
    runtime = Runtime.build(settings)
    try:
        await write_records(runtime, 4 * EVERY + 3)
        async with runtime.sessions() as session:
            stored = (
                await session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq)))
            ).all()
        lines = [json.loads(line) for line in settings.audit_anchors_file.read_text().splitlines()]  # type: ignore[union-attr]
        assert [(a["seq"], a["hash"], a["every"]) for a in lines] == [
            (c.seq, c.hash, EVERY) for c in stored
        ]
        assert [c.every for c in stored] == [EVERY] * 4
        assert oct(settings.audit_anchors_file.stat().st_mode & 0o777) == "0o600"  # type: ignore[union-attr]

        intact = cli_verify(settings, "--anchors", str(settings.audit_anchors_file))
        assert intact.returncode == 0, intact.stdout + intact.stderr
        assert "4 anchors matched" in intact.stdout

        cut = stored[1].seq  # keep two checkpoints; the records after the second are gone
        await cut_tail(runtime, cut)
        alone = cli_verify(settings)
        assert alone.returncode == 0, "the database alone cannot tell: why the anchors exist"
        caught = cli_verify(settings, "--anchors", str(settings.audit_anchors_file))
        assert caught.returncode == 1, caught.stdout
        assert f"BROKEN at record {cut + 1}" in caught.stdout
        assert f"signs record {stored[2].seq} but the chain ends at {cut}" in caught.stdout
    finally:
        await runtime.engine.dispose()


@pytest.mark.parametrize("db_settings", ["sqlite"], indirect=True)
async def test_a_rolled_back_checkpoint_leaves_no_anchor_and_the_interval_is_signed(
    db_settings: ServerSettings, tmp_path: Path
) -> None:
    settings = anchored(db_settings, tmp_path)
    runtime = Runtime.build(settings)
    try:
        await write_records(runtime, EVERY - 1)
        async with runtime.sessions() as session:
            await session.begin()
            await append_audit(
                session,
                ACTOR,
                [AuditEntry(action="audit.read")],
                now=runtime.now(),
                signer=runtime.signer,
                checkpoint_every=EVERY,
            )
            await session.rollback()
        assert not settings.audit_anchors_file.exists()  # type: ignore[union-attr]
        await write_records(runtime, 2 * EVERY)
        assert len(settings.audit_anchors_file.read_text().splitlines()) == 2  # type: ignore[union-attr]

        # Loosening a checkpoint's interval (to hide removed ones) breaks its signature.
        async with runtime.sessions() as session, session.begin():
            await session.exec(text("DROP TRIGGER audit_checkpoint_no_update"))  # type: ignore[call-overload]
            await session.exec(
                text("UPDATE audit_checkpoint SET every = 1000 WHERE seq = :seq").bindparams(
                    seq=EVERY
                )  # type: ignore[call-overload]
            )
        async with runtime.read_sessions() as session:
            result = await verify_chain(session, runtime.signer, checkpoint_every=EVERY)
        assert not result.ok and result.first_bad_seq == EVERY
        assert result.problem == "checkpoint signature is invalid"
    finally:
        await runtime.engine.dispose()
