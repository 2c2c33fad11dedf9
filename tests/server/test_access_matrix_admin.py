"""Who may administer accounts and offices: `admin` only (SPEC §1 roles table). Every other
role is refused every admin endpoint with a 403, the refusal is audited, and nothing
changes. Written out from the SPEC, not derived from the policy; the policy has no SQL of
its own, so SQLite is enough."""

from typing import Any

import pytest
from sqlmodel import col, select

from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.server.test_access_matrix import ROLE_USERS
from tests.support.api import login

pytestmark = pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)

NEW_USER = {"username": "x.new", "display_name": "X", "program": "HSI", "roles": ["agent"]}
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/admin/users", None),
    ("POST", "/api/v1/admin/users", NEW_USER),
    ("PATCH", "/api/v1/admin/users/agent.lax", {"title": "Changed"}),
    ("POST", "/api/v1/admin/users/agent.lax/disable", None),
    ("POST", "/api/v1/admin/users/agent.lax/enable", None),
    ("POST", "/api/v1/admin/users/agent.lax/unlock", None),
    ("POST", "/api/v1/admin/users/agent.lax/password-reset", None),
    ("GET", "/api/v1/admin/offices", None),
    ("POST", "/api/v1/admin/offices", {"code": "X-NEW", "name": "X", "kind": "FIG"}),
    ("PATCH", "/api/v1/admin/offices/FIG-LAX", {"name": "Changed"}),
    ("DELETE", "/api/v1/admin/offices/FIG-LAX", None),
]
MAY_ADMINISTER = {"admin"}


async def test_only_admin_administers_accounts_and_offices(
    client: Any, demo_settings: ServerSettings
) -> None:
    before = None
    for role, username in ROLE_USERS.items():
        headers = await login(client, username)
        for method, path, body in ENDPOINTS:
            if username in MAY_ADMINISTER:
                continue
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (role, method, path, response.text)
            assert response.json()["reason"] == "forbidden"
        me = (await client.get("/api/v1/me", headers=headers)).json()
        actions = {a for w in me["workspaces"] for a in w["actions"]}
        offered = {"manage_users", "manage_offices"} <= actions
        assert offered == (username in MAY_ADMINISTER), role
        if username == "admin":
            before = (await client.get("/api/v1/admin/users/", headers=headers)).json()

    # Nothing changed: x.new does not exist and agent.lax is as the demo made it.
    assert before is not None
    by_name = {u["username"]: u for u in before["items"]}
    assert "x.new" not in by_name
    assert by_name["agent.lax"]["title"] != "Changed" and not by_name["agent.lax"]["disabled"]

    runtime = Runtime.build(demo_settings)
    try:
        async with runtime.sessions() as session:
            denied = (
                await session.exec(
                    select(AuditRecord).where(
                        col(AuditRecord.outcome) == "denied",
                        col(AuditRecord.action).startswith("admin."),
                    )
                )
            ).all()
    finally:
        await runtime.engine.dispose()
    refused_callers = len(ROLE_USERS) - len(MAY_ADMINISTER)
    assert len(denied) == refused_callers * len(ENDPOINTS)
