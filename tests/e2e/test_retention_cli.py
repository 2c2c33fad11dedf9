"""`sen-server retention plan|run|verify` as real processes on a SQLite database holding an
ERO lead created in 1990 (past its destroy date) and an SIR of 1990 (past its transfer
date): the plan says what and why, a dry run changes nothing, the run does it all once,
the package verifies (and a changed one does not), and the audit chain still verifies."""

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.databases import server_settings
from tests.support.flows import create_and_publish
from tests.support.retention import file_bytes, table_texts

LEAD_TITLE = "Lead CLIDOOMQZ"


def sen_server(settings: ServerSettings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(SEN_DATA_DIR=str(settings.data_dir), SEN_CONFIG="/nonexistent")
    env.pop("SEN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sen_server.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(settings: ServerSettings, *args: str) -> str:
    result = sen_server(settings, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_plan_dry_run_run_and_verify(
    tmp_path: Path, demo_template_sqlite: ServerSettings
) -> None:
    shutil.copytree(demo_template_sqlite.data_dir, tmp_path / "data")
    settings = server_settings(tmp_path)
    async with AsyncTestClient(app=create_app(settings)) as http:
        now = datetime.now(UTC)
        officer, agent = await login(http, "officer.nyc"), await login(http, "agent.nyc")
        lead = await create_and_publish(http, officer, "ERO_LEAD", now, title=LEAD_TITLE)
        sir = await create_and_publish(http, agent, "SIR", now)
    with closing(sqlite3.connect(settings.data_dir / "sen.db")) as db, db:
        # Written in May 1990: cut-off 30 Sep 1990; the lead is destroyed from 1 Oct 2015
        # (+ 25), the SIR transferred from 1 Oct 2015 (+ 25) and destroyed from 2065 (+ 75).
        db.execute("UPDATE report SET created_at = '1990-05' || substr(created_at, 8)")
        db.execute("UPDATE report SET event_at = '1990-05' || substr(event_at, 8)")

    planned = ok(settings, "retention", "plan")
    lines = {line.split()[0]: line for line in planned.splitlines() if line[:3] in ("SIR", "ERO")}
    assert "destroy" in lines[lead["id"]] and "due 2015-10-01" in lines[lead["id"]]
    assert "creation 1990-05" in lines[lead["id"]] and "cut-off 1990-09-30" in lines[lead["id"]]
    assert "transfer" in lines[sir["id"]] and "the event's date 1990-05" in lines[sir["id"]]
    assert "2 due: 1 to transfer, 1 to destroy, 0 blocked" in planned

    before = table_texts(settings)
    dry = ok(settings, "retention", "run")
    assert "would destroy" in dry and "nothing was changed" in dry
    assert table_texts(settings) == before
    assert not (settings.data_dir / "records").exists()

    done = ok(settings, "retention", "run", "--execute")
    assert "destroyed 1, transferred 1, blocked by legal holds 0" in done
    (package,) = (settings.data_dir / "records").iterdir()
    assert f"transfer package written: {package}" in done
    assert b"clidoomqz" not in file_bytes(settings)
    assert "audit chain OK" in ok(settings, "audit", "verify")
    assert "signature verify" in ok(settings, "retention", "verify", str(package))

    again = ok(settings, "retention", "run", "--execute")
    assert "destroyed 0, transferred 0" in again
    assert len(list((settings.data_dir / "records").iterdir())) == 1

    records = package / "records.jsonl"
    records.write_text(records.read_text().replace('"status":"submitted"', '"status":"draft"'))
    changed = sen_server(settings, "retention", "verify", str(package))
    assert changed.returncode == 1
    assert "BAD: record 1" in changed.stdout
