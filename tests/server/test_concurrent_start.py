"""Processes that start together on one fresh database (`sen demo` starts its server and its
data builder at the same moment; several instances start at once after a deploy) migrate
one after the other and end up with one audit signing key between them."""

import asyncio
import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import text

from sen_server.audit.signing import CheckpointSigner
from sen_server.db import create_engine
from sen_server.migrate import alembic_config
from sen_server.settings import ServerSettings
from sen_tui.launcher import server_env

STARTERS = 3


async def _schema_version(settings: ServerSettings) -> list[str]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


def test_processes_upgrading_a_fresh_database_together_all_succeed(
    fresh_settings: ServerSettings,
) -> None:
    env = server_env(fresh_settings.data_dir, fresh_settings.database_url, "NORMAL")
    command = [sys.executable, "-m", "sen_server.cli", "db", "upgrade"]
    pipe = subprocess.PIPE
    starters = [
        subprocess.Popen(command, env=env, stdout=pipe, stderr=pipe, text=True)
        for _ in range(STARTERS)
    ]
    results = [(starter.wait(timeout=120), *starter.communicate()) for starter in starters]

    for code, out, err in results:
        assert code == 0, err[-2000:]
        assert "database is at the latest schema" in out
    head = ScriptDirectory.from_config(alembic_config(fresh_settings)).get_current_head()
    assert asyncio.run(_schema_version(fresh_settings)) == [head]


def _load_key(path: Path, barrier: Any, results: Any) -> None:
    barrier.wait()  # all at once: none of them finds a key
    results.put(CheckpointSigner.load_or_create(path).key_id)


def test_processes_creating_the_signing_key_together_share_one(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(STARTERS), context.Queue()
    path = tmp_path / "keys" / "audit-signing.pem"
    starters = [
        context.Process(target=_load_key, args=(path, barrier, results)) for _ in range(STARTERS)
    ]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join(timeout=60)

    assert [starter.exitcode for starter in starters] == [0] * STARTERS
    key_ids = {results.get(timeout=5) for _ in range(STARTERS)}
    assert key_ids == {CheckpointSigner.load_or_create(path).key_id}
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no drafts left
    assert path.stat().st_mode & 0o777 == 0o600
