"""Administration of accounts and offices over the API (SPEC §1, §10, issue 14 item 4): what
an administrator does, what the affected user then meets, what the audit log keeps, and
that bad input is refused naming the field with nothing changed.

The SQL here is plain (no dialect-specific query), so most tests run on SQLite; the office
tree, whose dependants are counted and whose rows are deleted, runs on both databases.
"""

import asyncio
import json
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.demo import DEMO_PASSWORD

USERS = "/api/v1/admin/users"
OFFICES = "/api/v1/admin/offices"
SQLITE_ONLY = pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)

NEW_USER = {
    "username": "agent.bos",
    "display_name": "Boston Special Agent (demo)",
    "program": "HSI",
    "roles": ["agent"],
    "office": "RAC-LI",
    "supervisor": "sup.nyc",
    "email": "agent.bos@sen.example",
}


async def audit_of(settings: ServerSettings, *actions: str) -> list[AuditRecord]:
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            statement = select(AuditRecord).order_by(col(AuditRecord.seq))
            if actions:
                statement = statement.where(col(AuditRecord.action).in_(actions))
            return list((await session.exec(statement)).all())
    finally:
        await runtime.engine.dispose()


async def logged(server: Any, line: str) -> str:
    """The server's log once it holds ``line`` (written just after the answer is sent)."""
    for _ in range(200):
        if line in (log := server.log_text()):
            return str(log)
        await asyncio.sleep(0.05)
    raise AssertionError(f"never logged: {line}\n{server.log_text()[-2000:]}")


def field_errors(response: Any) -> dict[str, str]:
    """{label: message} of a refusal's field errors."""
    body = response.json()
    return {e["label"]: e["message"] for e in body["errors"]}


async def everything(client: Any, admin: dict[str, str]) -> tuple[Any, Any]:
    users = await client.get(USERS, params={"limit": 500}, headers=admin)
    offices = await client.get(OFFICES, headers=admin)
    assert users.status_code == offices.status_code == 200
    return users.json()["items"], offices.json()


@SQLITE_ONLY
async def test_a_new_account_logs_in_with_its_temporary_password_and_must_change_it(
    client: Any, demo_settings: ServerSettings
) -> None:
    admin = await login(client, "admin")
    created = await client.post(USERS, json=NEW_USER, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    temporary = body["temporary_password"]
    assert len(temporary) >= 12
    assert body["user"]["office"]["code"] == "RAC-LI"
    assert body["user"]["supervisor_username"] == "sup.nyc"
    assert body["user"]["must_change_password"] is True

    logged_in = await client.post(
        "/api/v1/auth/login", json={"username": "agent.bos", "password": temporary}
    )
    assert logged_in.status_code == 200
    assert logged_in.json()["must_change_password"] is True
    headers = {"Authorization": f"Bearer {logged_in.json()['token']}"}
    owed = await client.get("/api/v1/reports", headers=headers)
    assert owed.status_code == 403
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": temporary, "new_password": "Harbour-lights-at-dawn-7"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text

    # The audit names the fields that were set and never holds the password.
    (record,) = await audit_of(demo_settings, "admin.user_add")
    assert record.object_id == "agent.bos" and record.actor == "admin"
    assert record.details["fields"] == [
        "display_name",
        "email",
        "office",
        "program",
        "roles",
        "supervisor",
    ]
    every_record = json.dumps([r.model_dump(mode="json") for r in await audit_of(demo_settings)])
    assert temporary not in every_record


@SQLITE_ONLY
async def test_bad_input_is_refused_naming_the_field_and_nothing_changes(
    client: Any, demo_settings: ServerSettings
) -> None:
    admin = await login(client, "admin")
    before = await everything(client, admin)
    refusals: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", USERS, {**NEW_USER, "username": "agent.nyc"}, "Username"),
        ("POST", USERS, {**NEW_USER, "office": "NOWHERE"}, "Office"),
        ("POST", USERS, {**NEW_USER, "roles": ["wizard"]}, "Roles 1"),
        ("POST", USERS, {**NEW_USER, "roles": []}, "Roles"),
        ("POST", USERS, {**NEW_USER, "supervisor": "nobody"}, "Supervisor"),
        ("POST", USERS, {**NEW_USER, "program": "FBI"}, "Program"),
        ("POST", USERS, {**NEW_USER, "username": "Bad Name"}, "Username"),
        ("POST", USERS, {**NEW_USER, "username": "x" * 65}, "Username"),
        ("PATCH", f"{USERS}/agent.nyc", {"supervisor": "agent.nyc"}, "Supervisor"),
        # sup.nyc supervises agent.nyc: making agent.nyc sup.nyc's supervisor is a loop.
        ("PATCH", f"{USERS}/sup.nyc", {"supervisor": "agent.nyc"}, "Supervisor"),
        ("PATCH", f"{USERS}/agent.nyc", {"office": "NOWHERE"}, "Office"),
        ("PATCH", f"{USERS}/agent.nyc", {"roles": ["agent", "wizard"]}, "Roles 2"),
        ("PATCH", f"{USERS}/agent.nyc", {"password_hash": "x"}, "Password hash"),
        ("POST", OFFICES, {"code": "HQ", "name": "Again", "kind": "HQ"}, "Code"),
        ("POST", OFFICES, {"code": "BOS", "name": "Boston", "kind": "CASTLE"}, "Kind"),
        ("POST", OFFICES, {"code": "BOS", "name": "B", "kind": "FIG", "parent": "NO"}, "Parent"),
        # RAC-LI is below SAC-NYC: moving SAC-NYC under it would make a cycle.
        ("PATCH", f"{OFFICES}/SAC-NYC", {"parent": "RAC-LI"}, "Parent"),
        ("PATCH", f"{OFFICES}/SAC-NYC", {"parent": "SAC-NYC"}, "Parent"),
        ("PATCH", f"{OFFICES}/SAC-NYC", {"aor": "new york"}, "Aor"),
    ]
    for method, path, body, label in refusals:
        response = await client.request(method, path, json=body, headers=admin)
        assert response.status_code == 422, (path, body, response.text)
        assert label in field_errors(response), (body, response.json()["errors"])
        assert "Traceback" not in response.text
    for method, path in [
        ("PATCH", f"{USERS}/nobody"),
        ("POST", f"{USERS}/nobody/disable"),
        ("POST", f"{USERS}/nobody/password-reset"),
        ("PATCH", f"{OFFICES}/NOWHERE"),
        ("DELETE", f"{OFFICES}/NOWHERE"),
    ]:
        response = await client.request(method, path, json={}, headers=admin)
        assert response.status_code == 404, (path, response.text)
    assert await everything(client, admin) == before
    assert not await audit_of(
        demo_settings, "admin.user_add", "admin.user_update", "admin.office_add"
    )


@SQLITE_ONLY
async def test_account_changes_take_effect_and_are_audited_by_field_name(
    client: Any, demo_settings: ServerSettings
) -> None:
    admin = await login(client, "admin")
    changed = await client.patch(
        f"{USERS}/agent.nyc",
        json={"roles": ["agent", "supervisor"], "office": "SAC-NYC", "supervisor": None},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    user = changed.json()
    assert user["roles"] == ["agent", "supervisor"]
    assert user["office"]["code"] == "SAC-NYC" and user["supervisor_username"] is None
    agent = await login(client, "agent.nyc")
    me = (await client.get("/api/v1/me", headers=agent)).json()
    assert me["user"]["roles"] == ["agent", "supervisor"]

    # Locked out by three wrong passwords; the admin unlocks.
    for _ in range(3):
        await client.post("/api/v1/auth/login", json={"username": "sup.nyc", "password": "no"})
    listed = await client.get(USERS, params={"q": "sup.nyc"}, headers=admin)
    assert [(u["username"], u["locked"]) for u in listed.json()["items"]] == [("sup.nyc", True)]
    unlocked = await client.post(f"{USERS}/sup.nyc/unlock", headers=admin)
    assert unlocked.json()["locked"] is False
    await login(client, "sup.nyc")

    # A reset ends the old password and sessions; the temporary one must be changed.
    reset = await client.post(f"{USERS}/agent.nyc/password-reset", headers=admin)
    temporary = reset.json()["temporary_password"]
    assert (await client.get("/api/v1/me", headers=agent)).status_code == 401
    old = await client.post(
        "/api/v1/auth/login", json={"username": "agent.nyc", "password": DEMO_PASSWORD}
    )
    assert old.status_code == 401
    new = await client.post(
        "/api/v1/auth/login", json={"username": "agent.nyc", "password": temporary}
    )
    assert new.json()["must_change_password"] is True

    records = await audit_of(
        demo_settings, "admin.user_update", "admin.user_unlock", "admin.password_reset"
    )
    assert [(r.action, r.object_id, r.details["fields"]) for r in records] == [
        ("admin.user_update", "agent.nyc", ["roles", "office", "supervisor"]),
        ("admin.user_unlock", "sup.nyc", ["locked_until"]),
        ("admin.password_reset", "agent.nyc", ["password", "must_change_password"]),
    ]
    assert temporary not in json.dumps([r.details for r in await audit_of(demo_settings)])
    # An administrator cannot shut themself out, nor is anything changed by trying.
    for method, path, body in [
        ("POST", f"{USERS}/admin/disable", None),
        ("POST", f"{USERS}/admin/password-reset", None),
        ("PATCH", f"{USERS}/admin", {"roles": ["auditor"]}),
    ]:
        own = await client.request(method, path, json=body, headers=admin)
        assert (own.status_code, own.json()["reason"]) == (409, "own_account"), path
    assert (await client.get("/api/v1/me", headers=admin)).json()["user"]["roles"] == ["admin"]


async def test_the_office_tree_is_edited_and_only_an_unused_office_retires(
    client: Any, demo_settings: ServerSettings
) -> None:
    admin = await login(client, "admin")
    added = await client.post(
        OFFICES,
        json={"code": "RAC-BOS", "name": "RAC Boston", "kind": "HSI_RAC", "parent": "SAC-NYC"},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    renamed = await client.patch(
        f"{OFFICES}/RAC-BOS",
        json={"name": "RAC Boston (North)", "parent": "SAC-LAX", "aor": "BOS"},
        headers=admin,
    )
    assert renamed.status_code == 200, renamed.text
    tree = (await client.get(OFFICES, headers=admin)).json()
    codes = [o["code"] for o in tree]
    bos = tree[codes.index("RAC-BOS")]
    assert (bos["name"], bos["parent"], bos["aor"], bos["depth"]) == (
        "RAC Boston (North)",
        "SAC-LAX",
        "BOS",
        2,
    )
    # Tree order: every office comes after its parent, one level deeper.
    by_code = {o["code"]: o for o in tree}
    for office in tree:
        if office["parent"]:
            assert codes.index(office["parent"]) < codes.index(office["code"])
            assert office["depth"] == by_code[office["parent"]]["depth"] + 1
    assert by_code["RAC-LI"]["users"] == 2  # agent.nyc and sup.nyc

    in_use = await client.delete(f"{OFFICES}/RAC-LI", headers=admin)
    assert in_use.status_code == 409
    assert in_use.json()["extra"]["dependants"] == {"accounts": 2}
    parent = await client.delete(f"{OFFICES}/SAC-LAX", headers=admin)
    assert parent.status_code == 409
    assert parent.json()["extra"]["dependants"]["offices below it"] == 3
    retired = await client.delete(f"{OFFICES}/RAC-BOS", headers=admin)
    assert retired.status_code == 204
    assert "RAC-BOS" not in [o["code"] for o in (await client.get(OFFICES, headers=admin)).json()]

    records = await audit_of(
        demo_settings, "admin.office_add", "admin.office_update", "admin.office_retire"
    )
    assert [(r.action, r.details.get("fields")) for r in records] == [
        ("admin.office_add", ["kind", "name", "parent"]),
        ("admin.office_update", ["name", "aor", "parent"]),
        ("admin.office_retire", None),
    ]


@SQLITE_ONLY
async def test_disabling_an_account_ends_its_open_session_at_once(
    demo_settings: ServerSettings, start_server: Any
) -> None:
    """Against a real server process: the user's next call after the disable is refused,
    and no temporary password the server hands out reaches its log."""
    server = start_server(demo_settings)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        admin = await login(http, "admin")
        agent = await login(http, "agent.nyc")
        assert (await http.get("/api/v1/me", headers=agent)).status_code == 200
        disabled = await http.post(f"{USERS}/agent.nyc/disable", headers=admin)
        assert disabled.status_code == 200 and disabled.json()["disabled"] is True
        ended = await http.get("/api/v1/me", headers=agent)
        assert ended.status_code == 401
        again = await http.post(
            "/api/v1/auth/login", json={"username": "agent.nyc", "password": DEMO_PASSWORD}
        )
        assert again.status_code == 401
        enabled = await http.post(f"{USERS}/agent.nyc/enable", headers=admin)
        assert enabled.json()["disabled"] is False
        await login(http, "agent.nyc")
        created = await http.post(USERS, json=NEW_USER, headers=admin)
        reset = await http.post(f"{USERS}/agent.nyc/password-reset", headers=admin)
        issued = [created.json()["temporary_password"], reset.json()["temporary_password"]]
    # The temporary passwords went to the administrator only: not to the server's log.
    log = await logged(server, "POST /api/v1/admin/users/{username}/password-reset 200")
    assert not [p for p in issued if p in log]
    records = await audit_of(demo_settings, "admin.user_disable", "admin.user_enable")
    assert [(r.action, r.details["fields"]) for r in records] == [
        ("admin.user_disable", ["disabled"]),
        ("admin.user_enable", ["disabled"]),
    ]
