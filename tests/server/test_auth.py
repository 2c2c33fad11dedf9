"""Logging in, lockout, the gates, passwords and sessions (SPEC §10, §11 API conventions).

Every test runs on SQLite and on PostgreSQL (the ``client`` fixture), with an injected
clock: time is moved, never slept through.
"""

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlmodel import col, select

from sen_server.accounts import service as accounts
from sen_server.app import create_app
from sen_server.audit.writer import AuditActor
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.demo import DEMO_PASSWORD

LOGIN = "/api/v1/auth/login"
ADMIN = AuditActor(username="admin", roles=("admin",), source="test")
NEW_PASSWORD = "harbor-lantern-47-quiet"
RULES_VERSION = "2026-1"


# ---- helpers ---------------------------------------------------------------------------


@pytest.fixture
async def runtime(demo_settings: ServerSettings, clock: FakeClock) -> AsyncIterator[Runtime]:
    """The database as the administrator's tools see it, on the test's own event loop and at
    the app's (fake) time. (The test client runs the app on a loop of its own.)"""
    built = Runtime.build(demo_settings, clock)
    try:
        yield built
    finally:
        await built.engine.dispose()


async def try_login(client: Any, username: str, password: str) -> Any:
    return await client.post(LOGIN, json={"username": username, "password": password})


async def bearer(client: Any, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in without acknowledging anything; return the Authorization header."""
    response = await try_login(client, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def reason_of(response: Any) -> str:
    reason: str = response.json()["reason"]
    return reason


@asynccontextmanager
async def admin_unit(runtime: Runtime) -> AsyncIterator[UnitOfWork]:
    """An administrator's change, made through the accounts service at the app's clock."""
    async with UnitOfWork(runtime, ADMIN) as unit:
        yield unit


async def audit_records(runtime: Runtime, action: str) -> list[AuditRecord]:
    async with runtime.sessions() as session:
        rows = await session.exec(
            select(AuditRecord).where(AuditRecord.action == action).order_by(col(AuditRecord.seq))
        )
        return list(rows.all())


async def table_text(runtime: Runtime, table: str) -> str:
    """Every value of every row of ``table``, as one string to search in."""
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(text(f"SELECT * FROM {table}"))).mappings().all()
    return json.dumps([dict(r) for r in rows], default=str)


def near(value: str, expected: datetime) -> bool:
    return abs(datetime.fromisoformat(value.replace("Z", "+00:00")) - expected) < timedelta(
        seconds=2
    )


# ---- login -----------------------------------------------------------------------------


async def test_login_answers_token_expiry_gates_and_profile(client: Any, clock: FakeClock) -> None:
    """A user logging in gets a token, when it expires, what they still owe, and who they are."""
    response = await try_login(client, "agent.nyc", DEMO_PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "token",
        "expires_at",
        "must_change_password",
        "must_acknowledge_rules",
        "user",
    }
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert near(body["expires_at"], clock() + timedelta(hours=12))
    # Demo accounts: no forced password change, Rules of Behavior still to acknowledge.
    assert body["must_change_password"] is False
    assert body["must_acknowledge_rules"] is True
    assert body["user"]["username"] == "agent.nyc"
    assert body["user"]["roles"] == ["agent"]
    assert body["user"]["office"]["code"] == "RAC-LI"
    assert body["user"]["supervisor_username"] == "sup.nyc"
    assert "password_hash" not in json.dumps(body)


async def test_unknown_user_and_wrong_password_get_the_same_answer(client: Any) -> None:
    """Nobody can learn from the answer whether a username exists."""
    unknown = await try_login(client, "no.such.person", "some-password-123")
    wrong = await try_login(client, "agent.nyc", "some-password-123")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.json()["reason"] == "invalid_credentials"


async def test_three_failures_lock_the_account_for_thirty_minutes(
    client: Any, runtime: Runtime, clock: FakeClock
) -> None:
    """After 3 wrong passwords even the right one is refused, until 30 minutes have passed."""
    unknown = await try_login(client, "no.such.person", "whatever-password-1")
    for attempt in range(3):
        response = await try_login(client, "agent.nyc", f"wrong-password-{attempt}")
        assert response.status_code == 401
    locked = await try_login(client, "agent.nyc", DEMO_PASSWORD)
    assert locked.status_code == 401
    # A locked account is not told apart from a wrong password or an unknown user.
    assert locked.json() == unknown.json()

    clock.advance(minutes=29)
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 401
    clock.advance(minutes=2)
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 200

    lockouts = [
        r for r in await audit_records(runtime, "auth.login_failed") if r.details.get("lockout")
    ]
    assert len(lockouts) == 1
    assert lockouts[0].object_id == "agent.nyc"


async def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    client: Any, clock: FakeClock
) -> None:
    """Three typos on one day, each 8 minutes apart, don't lock anyone out."""
    for attempt in range(3):
        response = await try_login(client, "agent.nyc", f"wrong-password-{attempt}")
        assert response.status_code == 401
        clock.advance(minutes=8)
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 200


async def test_a_successful_login_starts_the_count_again(client: Any, clock: FakeClock) -> None:
    """Two typos, a good login, then two more typos: the account is not locked."""
    for attempt in range(2):
        assert (await try_login(client, "agent.nyc", f"wrong-{attempt}-pass")).status_code == 401
    clock.advance(seconds=5)  # a person takes a moment between attempts
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 200
    clock.advance(seconds=5)
    for attempt in range(2):
        assert (await try_login(client, "agent.nyc", f"again-{attempt}-pass")).status_code == 401
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 200


async def test_admin_unlocks_a_locked_account(client: Any, runtime: Runtime) -> None:
    """A locked-out agent calls the administrator, who unlocks the account at once."""
    for attempt in range(3):
        await try_login(client, "agent.nyc", f"wrong-password-{attempt}")
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 401
    async with admin_unit(runtime) as unit:
        user = await accounts.unlock(unit.session, "agent.nyc", unit.runtime.now())
        assert user.locked_until is None
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 200


async def test_parallel_guesses_get_no_more_than_three_tries(
    demo_settings: ServerSettings, runtime: Runtime, start_server: Any
) -> None:
    """An attacker firing many guesses at once at a real server still gets only three
    passwords checked before the account locks.

    The lockout lives in the database; requests racing each other must not each see the
    account as unlocked and all have their password checked.
    """
    server = start_server(demo_settings)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(LOGIN, json={"username": "agent.nyc", "password": f"guess-{n}-pass"})
                for n in range(12)
            )
        )
        assert {r.status_code for r in responses} == {401}
        failures = await audit_records(runtime, "auth.login_failed")
        checked = [r for r in failures if r.details.get("reason") == "wrong_password"]
        assert len(checked) == 3, [r.details for r in failures]
        assert sum(bool(r.details.get("lockout")) for r in failures) == 1
        correct = await http.post(LOGIN, json={"username": "agent.nyc", "password": DEMO_PASSWORD})
        assert correct.status_code == 401


async def test_every_failed_login_is_audited_without_the_password(
    client: Any, runtime: Runtime
) -> None:
    """The auditor sees each failed logon with the username tried and where it came from,
    and never the password that was typed."""
    canaries = ["Canary-Unknown-7731-pass", "Canary-Wrong-8842-pass"]
    await try_login(client, "no.such.person", canaries[0])
    await try_login(client, "agent.nyc", canaries[1])

    failures = await audit_records(runtime, "auth.login_failed")
    tried = {r.details["username_tried"]: r for r in failures}
    assert set(tried) == {"no.such.person", "agent.nyc"}
    assert tried["no.such.person"].details["reason"] == "unknown_user"
    assert tried["agent.nyc"].details["reason"] == "wrong_password"
    for record in failures:
        assert record.outcome == "failure"
        assert record.actor is None  # a guess is nobody's action until it succeeds
        assert record.source == "testclient"  # the client address the ASGI test client uses

    everything = await table_text(runtime, "audit_record")
    for canary in canaries:
        assert canary not in everything
    assert DEMO_PASSWORD not in everything


# ---- gates -------------------------------------------------------------------------------


async def test_rules_acknowledgment_gate(client: Any, runtime: Runtime) -> None:
    """Until the Rules of Behavior are acknowledged the user can read them, see who they are,
    acknowledge and log out, and nothing else."""
    first = await bearer(client, "agent.nyc")
    second = await bearer(client, "agent.nyc")

    refused = await client.get("/api/v1/reports", headers=first)
    assert refused.status_code == 403
    assert reason_of(refused) == "rules_acknowledgment_required"
    denied = await audit_records(runtime, "request.denied")
    assert denied and denied[-1].details["reason"] == "rules_acknowledgment_required"

    me = await client.get("/api/v1/me", headers=first)
    assert me.status_code == 200 and me.json()["must_acknowledge_rules"] is True
    rules = await client.get("/api/v1/auth/rules", headers=first)
    assert rules.status_code == 200 and rules.json()["version"] == RULES_VERSION
    assert "Rules of Behavior" in rules.json()["text"]

    logout = await client.post("/api/v1/auth/logout", headers=second)
    assert logout.status_code == 200
    assert (await client.get("/api/v1/me", headers=second)).status_code == 401

    ack = await client.post(
        "/api/v1/auth/rules-acknowledgment", json={"version": RULES_VERSION}, headers=first
    )
    assert ack.status_code == 200 and ack.json()["must_acknowledge_rules"] is False
    assert (await client.get("/api/v1/reports", headers=first)).status_code == 200


async def test_temporary_password_must_be_changed_to_a_good_one(
    client: Any, runtime: Runtime
) -> None:
    """A new account's first login forces a new password: 12+ characters, not the username,
    not a common password. Then the account works (after the rules are acknowledged)."""
    temporary = "temporary-Start-4417"
    async with admin_unit(runtime) as unit:
        spec = accounts.UserSpec(
            username="new.agent",
            display_name="New Agent (synthetic)",
            program="HSI",
            roles=["agent"],
            office="RAC-LI",
            supervisor="sup.nyc",
        )
        await accounts.create_user(
            unit.session, spec, temporary, unit.runtime.now(), temporary=True
        )

    response = await try_login(client, "new.agent", temporary)
    assert response.status_code == 200
    assert response.json()["must_change_password"] is True
    headers = {"Authorization": f"Bearer {response.json()['token']}"}

    refused = await client.get("/api/v1/reports", headers=headers)
    assert refused.status_code == 403
    assert reason_of(refused) == "password_change_required"
    assert (await client.get("/api/v1/me", headers=headers)).json()["must_change_password"]

    async def change(current: str, new: str) -> Any:
        return await client.post(
            "/api/v1/auth/password",
            json={"current_password": current, "new_password": new},
            headers=headers,
        )

    bad = {
        "Sh0rt-pass!": "12 characters",
        "new.agent-2026-xyz": "username",
        "password1234": "common",
    }
    for password, problem in bad.items():
        answer = await change(temporary, password)
        assert answer.status_code == 422, password
        messages = [e["message"] for e in answer.json()["errors"] if e["field"] == "new_password"]
        assert any(problem in m for m in messages), (password, messages)
        assert password not in answer.text  # errors never echo the value
    wrong_current = await change("not-the-current-one", NEW_PASSWORD)
    assert wrong_current.status_code == 422
    assert [e["field"] for e in wrong_current.json()["errors"]] == ["current_password"]
    # None of the refused attempts changed anything.
    assert (await client.get("/api/v1/reports", headers=headers)).status_code == 403

    changed = await change(temporary, NEW_PASSWORD)
    assert changed.status_code == 200, changed.text
    assert changed.json()["must_change_password"] is False
    # A new account still owes the rules acknowledgment.
    gated = await client.get("/api/v1/reports", headers=headers)
    assert reason_of(gated) == "rules_acknowledgment_required"
    await client.post(
        "/api/v1/auth/rules-acknowledgment", json={"version": RULES_VERSION}, headers=headers
    )
    assert (await client.get("/api/v1/reports", headers=headers)).status_code == 200

    assert (await try_login(client, "new.agent", temporary)).status_code == 401
    again = await try_login(client, "new.agent", NEW_PASSWORD)
    assert again.status_code == 200 and again.json()["must_change_password"] is False
    assert len(await audit_records(runtime, "auth.password_changed")) == 1


async def test_password_and_rules_expire_after_ninety_days(client: Any, clock: FakeClock) -> None:
    """After 90 days the user must pick a new password and acknowledge the rules again."""
    await login(client, "agent.nyc")
    clock.advance(days=89)
    fresh = (await try_login(client, "agent.nyc", DEMO_PASSWORD)).json()
    assert fresh["must_change_password"] is False
    assert fresh["must_acknowledge_rules"] is False

    clock.advance(days=2)
    response = await try_login(client, "agent.nyc", DEMO_PASSWORD)
    assert response.json()["must_change_password"] is True
    assert response.json()["must_acknowledge_rules"] is True
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    gated = await client.get("/api/v1/reports", headers=headers)
    assert gated.status_code == 403 and reason_of(gated) == "password_change_required"

    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    gated = await client.get("/api/v1/reports", headers=headers)
    assert gated.status_code == 403 and reason_of(gated) == "rules_acknowledgment_required"
    await client.post(
        "/api/v1/auth/rules-acknowledgment", json={"version": RULES_VERSION}, headers=headers
    )
    assert (await client.get("/api/v1/reports", headers=headers)).status_code == 200


async def test_password_rotation_can_be_turned_off(
    client: Any, demo_settings: ServerSettings, clock: FakeClock
) -> None:
    """With password_max_age_days = 0 an old password stays valid; the rules still recur."""
    settings = ServerSettings(
        data_dir=demo_settings.data_dir,
        database_url=demo_settings.database_url,
        sqlite_synchronous="NORMAL",
        password_max_age_days=0,
    )
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as no_rotation:
        await login(no_rotation, "agent.nyc")
        clock.advance(days=91)
        response = await try_login(no_rotation, "agent.nyc", DEMO_PASSWORD)
        assert response.status_code == 200
        assert response.json()["must_change_password"] is False
        assert response.json()["must_acknowledge_rules"] is True
        headers = {"Authorization": f"Bearer {response.json()['token']}"}
        gated = await no_rotation.get("/api/v1/reports", headers=headers)
        assert reason_of(gated) == "rules_acknowledgment_required"
    # The same database under the default settings does ask for a new password.
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).json()["must_change_password"]


# ---- sessions ----------------------------------------------------------------------------


async def test_idle_session_expires_after_thirty_minutes(client: Any, clock: FakeClock) -> None:
    """Working keeps a session alive; 30 minutes without a request ends it."""
    headers = await login(client, "agent.nyc")
    for _ in range(3):
        clock.advance(minutes=29)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    clock.advance(minutes=30)
    expired = await client.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401
    assert reason_of(expired) == "session_idle"


async def test_session_ends_after_twelve_hours_even_when_active(
    client: Any, clock: FakeClock
) -> None:
    """However busy the user is, a session lasts 12 hours at most."""
    headers = await login(client, "agent.nyc")
    elapsed = timedelta()
    while elapsed < timedelta(hours=12) - timedelta(minutes=20):
        clock.advance(minutes=20)
        elapsed += timedelta(minutes=20)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200, elapsed
    clock.advance(minutes=20)  # now exactly 12 hours after login
    expired = await client.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401
    assert reason_of(expired) == "session_expired"


async def test_logout_revokes_the_token(client: Any, runtime: Runtime) -> None:
    """After logging out, the token is worthless; the user's other sessions go on."""
    headers = await login(client, "agent.nyc")
    other = await login(client, "agent.nyc")
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 200
    after = await client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401 and reason_of(after) == "session_revoked"
    assert (await client.get("/api/v1/me", headers=other)).status_code == 200
    assert len(await audit_records(runtime, "auth.logout")) == 1


async def test_disabling_an_account_ends_its_sessions_at_once(
    client: Any, runtime: Runtime
) -> None:
    """The administrator disables an account: every open session stops working, the user
    can't log in, and re-enabling does not bring the old sessions back."""
    sessions = [await login(client, "agent.nyc"), await login(client, "agent.nyc")]
    async with admin_unit(runtime) as unit:
        await accounts.set_disabled(unit.session, "agent.nyc", True, unit.runtime.now())
    for headers in sessions:
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    refused = await try_login(client, "agent.nyc", DEMO_PASSWORD)
    unknown = await try_login(client, "no.such.person", DEMO_PASSWORD)
    assert refused.status_code == 401 and refused.json() == unknown.json()

    async with admin_unit(runtime) as unit:
        await accounts.set_disabled(unit.session, "agent.nyc", False, unit.runtime.now())
    for headers in sessions:
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert (await try_login(client, "agent.nyc", DEMO_PASSWORD)).status_code == 200


async def test_every_login_gets_a_new_token(client: Any) -> None:
    """Two logins give two different tokens, and both work."""
    first = (await try_login(client, "agent.nyc", DEMO_PASSWORD)).json()["token"]
    second = (await try_login(client, "agent.nyc", DEMO_PASSWORD)).json()["token"]
    assert first != second
    for token in (first, second):
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200


async def test_tokens_are_stored_only_as_sha256_hashes(client: Any, runtime: Runtime) -> None:
    """Someone reading the database (or the audit log) cannot lift a working token."""
    token = (await try_login(client, "agent.nyc", DEMO_PASSWORD)).json()["token"]
    sessions = await table_text(runtime, "auth_session")
    assert token not in sessions
    assert hashlib.sha256(token.encode()).hexdigest() in sessions
    assert token not in await table_text(runtime, "audit_record")


async def test_a_made_up_token_is_refused(client: Any) -> None:
    """A token that was never issued (or no token at all) gets 401."""
    assert (await client.get("/api/v1/me")).status_code == 401
    forged = await client.get("/api/v1/me", headers={"Authorization": "Bearer " + "A" * 43})
    assert forged.status_code == 401 and reason_of(forged) == "invalid_token"


async def test_system_use_notice_is_shown_before_login(client: Any) -> None:
    """The login screen can show the system-use notice without any token."""
    response = await client.get("/api/v1/auth/notice")
    assert response.status_code == 200
    assert "monitored" in response.json()["text"]
