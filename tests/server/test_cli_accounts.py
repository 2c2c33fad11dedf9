"""`sen-server user ...`: what an administrator does at the server's command line (SPEC §10,
§11), run as real subprocesses against a SQLite database, with the API checked afterwards
as the affected user would meet it."""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from sen_server.app import create_app
from sen_server.audit.verify import verify_chain
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support.clock import FakeClock
from tests.support.demo import DEMO_PASSWORD, seed_demo

LOGIN = "/api/v1/auth/login"


def sen_server(
    settings: ServerSettings, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `sen-server ARGS` the way an administrator would on the server host."""
    env = dict(os.environ)
    env.update(SEN_DATA_DIR=str(settings.data_dir), SEN_CONFIG="/nonexistent")
    env.pop("SEN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sen_server.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(settings: ServerSettings, *args: str) -> str:
    result = sen_server(settings, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def refused(settings: ServerSettings, *args: str, stdin: str = "") -> str:
    """A refused command: exit status 2 and a one-line reason on stderr."""
    result = sen_server(settings, *args, stdin=stdin)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def user_list(settings: ServerSettings) -> dict[str, list[str]]:
    """`user list`, as {username: [program, roles, office, flags...]}."""
    rows = {}
    for line in ok(settings, "user", "list").splitlines():
        username, *rest = line.split()
        rows[username] = rest
    return rows


@pytest.fixture
async def settings(sqlite_settings: ServerSettings) -> ServerSettings:
    await seed_demo(sqlite_settings)
    return sqlite_settings


@pytest.fixture
async def api(settings: ServerSettings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


async def try_login(api: Any, username: str, password: str) -> Any:
    return await api.post(LOGIN, json={"username": username, "password": password})


async def audit_actions(settings: ServerSettings) -> list[AuditRecord]:
    """The audit records of command-line changes (actor ``cli:<login name>``)."""
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            rows = await session.exec(
                select(AuditRecord)
                .where(col(AuditRecord.actor).startswith("cli:"))
                .order_by(col(AuditRecord.seq))
            )
            return list(rows.all())
    finally:
        await runtime.engine.dispose()


async def test_admin_adds_a_user_with_a_temporary_password(
    settings: ServerSettings, api: Any
) -> None:
    """The new account appears in the list with its program, roles and office; its temporary
    password is shown once and must be changed at the first login."""
    out = ok(
        settings,
        "user",
        "add",
        "analyst.one",
        "--program",
        "HSI",
        "--roles",
        "agent",
        "--office",
        "RAC-LI",
        "--supervisor",
        "sup.nyc",
        "--display-name",
        "Analyst One (synthetic)",
    )
    assert out.startswith("created analyst.one; temporary password (shown once): ")
    temporary = out.strip().rsplit(" ", 1)[1]
    assert len(temporary) >= 12

    assert user_list(settings)["analyst.one"] == ["HSI", "agent", "RAC-LI"]
    response = await try_login(api, "analyst.one", temporary)
    assert response.status_code == 200
    assert response.json()["must_change_password"] is True
    assert response.json()["user"]["supervisor_username"] == "sup.nyc"

    added = [r for r in await audit_actions(settings) if r.action == "admin.user_add"]
    assert [r.object_id for r in added] == ["analyst.one"]
    assert temporary not in str([r.model_dump() for r in await audit_actions(settings)])


async def test_a_chosen_temporary_password_comes_on_stdin_and_is_never_echoed(
    settings: ServerSettings, api: Any
) -> None:
    chosen = "Synthetic-Temp-2026-xyz"
    args = ["user", "add", "analyst.two", "--program", "HSI", "--roles", "agent"]
    result = sen_server(settings, *args, "--password-stdin", stdin=chosen + "\n")
    assert result.returncode == 0, result.stderr
    assert chosen not in result.stdout + result.stderr
    response = await try_login(api, "analyst.two", chosen)
    assert response.status_code == 200
    assert response.json()["must_change_password"] is True


async def test_user_add_refuses_bad_input_without_creating_anything(
    settings: ServerSettings,
) -> None:
    """Duplicates, unknown roles or offices and weak passwords are refused with a reason
    naming the field, and nothing is created."""
    base = ["user", "add", "--program", "HSI", "--roles", "agent"]
    assert "already exists" in refused(settings, *base, "agent.nyc")
    assert "roles" in refused(settings, *base[:-1], "wizard", "x.one")
    assert "office" in refused(settings, *base, "x.two", "--office", "NOWHERE")
    assert "supervisor" in refused(settings, *base, "x.three", "--supervisor", "nobody")
    weak = refused(settings, *base, "x.four", "--password-stdin", stdin="password1234\n")
    assert "too common" in weak and "password1234" not in weak
    short = refused(settings, *base, "x.five", "--password-stdin", stdin="Short-1\n")
    assert "at least 12" in short
    listed = user_list(settings)
    assert not {"x.one", "x.two", "x.three", "x.four", "x.five"} & set(listed)


async def test_admin_changes_roles(settings: ServerSettings, api: Any) -> None:
    """New roles show in the list and in the user's next login; a bad role changes nothing."""
    assert "roles of agent.nyc" in ok(settings, "user", "roles", "agent.nyc", "agent,supervisor")
    assert user_list(settings)["agent.nyc"][1] == "agent,supervisor"
    response = await try_login(api, "agent.nyc", DEMO_PASSWORD)
    assert sorted(response.json()["user"]["roles"]) == ["agent", "supervisor"]

    assert "roles" in refused(settings, "user", "roles", "agent.nyc", "agent,overlord")
    assert user_list(settings)["agent.nyc"][1] == "agent,supervisor"


async def test_admin_unlocks_a_locked_out_user(settings: ServerSettings, api: Any) -> None:
    """After 3 wrong passwords the list shows the account locked; `user unlock` lets the
    user straight back in."""
    for attempt in range(3):
        assert (await try_login(api, "agent.nyc", f"wrong-{attempt}-password")).status_code == 401
    assert "locked" in user_list(settings)["agent.nyc"]
    assert (await try_login(api, "agent.nyc", DEMO_PASSWORD)).status_code == 401

    assert "unlocked agent.nyc" in ok(settings, "user", "unlock", "agent.nyc")
    assert "locked" not in user_list(settings)["agent.nyc"]
    assert (await try_login(api, "agent.nyc", DEMO_PASSWORD)).status_code == 200


async def test_an_expired_lock_is_not_listed_as_locked(settings: ServerSettings) -> None:
    """A lock that ran out 10 minutes ago no longer shows as locked to the administrator."""
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=40))
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as api:
        for attempt in range(3):
            await try_login(api, "agent.nyc", f"wrong-{attempt}-password")
    assert "locked" not in user_list(settings)["agent.nyc"]


async def test_admin_resets_a_password(settings: ServerSettings, api: Any) -> None:
    """A reset ends the user's sessions, the old password stops working, and the new
    temporary one must be changed at login."""
    token = (await try_login(api, "agent.nyc", DEMO_PASSWORD)).json()["token"]
    out = ok(settings, "user", "reset-password", "agent.nyc")
    assert "must be changed at login" in out
    temporary = out.strip().rsplit(" ", 1)[1]

    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert (await try_login(api, "agent.nyc", DEMO_PASSWORD)).status_code == 401
    response = await try_login(api, "agent.nyc", temporary)
    assert response.status_code == 200 and response.json()["must_change_password"] is True


async def test_a_disabled_user_can_no_longer_log_in(settings: ServerSettings, api: Any) -> None:
    """Disabling ends the user's open session at once and refuses new logins; the list
    shows it; --enable lets the user back in."""
    token = (await try_login(api, "agent.nyc", DEMO_PASSWORD)).json()["token"]
    assert "sessions ended" in ok(settings, "user", "disable", "agent.nyc")
    assert "disabled" in user_list(settings)["agent.nyc"]

    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    login = await try_login(api, "agent.nyc", DEMO_PASSWORD)
    assert login.status_code == 401 and login.json()["reason"] == "invalid_credentials"

    assert "enabled" in ok(settings, "user", "disable", "agent.nyc", "--enable")
    assert "disabled" not in user_list(settings)["agent.nyc"]
    assert (await try_login(api, "agent.nyc", DEMO_PASSWORD)).status_code == 200


async def test_unknown_users_are_named_and_every_change_is_audited(
    settings: ServerSettings,
) -> None:
    """Commands on a username that doesn't exist say so; the changes that were made are in
    the audit chain under the command-line actor, and the chain still verifies."""
    for command in (["unlock"], ["reset-password"], ["disable"], ["roles"]):
        args = ["user", *command, "no.such.user"] + (["agent"] if command == ["roles"] else [])
        assert "no such user" in refused(settings, *args)

    ok(settings, "user", "roles", "agent.nyc", "agent")
    ok(settings, "user", "unlock", "agent.nyc")
    ok(settings, "user", "disable", "sup.nyc")
    ok(settings, "user", "reset-password", "sup.nyc")
    records = await audit_actions(settings)
    assert [(r.action, r.object_id) for r in records] == [
        ("admin.user_roles", "agent.nyc"),
        ("admin.user_unlock", "agent.nyc"),
        ("admin.user_disable", "sup.nyc"),
        ("admin.password_reset", "sup.nyc"),
    ]
    assert all(r.source == "local" for r in records)
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            assert (await verify_chain(session, runtime.signer)).ok
    finally:
        await runtime.engine.dispose()
