"""Who may use the summaries and distribution-list endpoints (SPEC §1): summaries are the
IROC watch's (403 for every other role, audited), lists are the administrators'; only
an IROC user is offered the workspace. The guards are SQL-free: SQLite only.
"""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.flows import ONE_PER_ROLE, expect

SUMMARY_CALLS = [
    ("GET", "/api/v1/summaries", None),
    ("GET", "/api/v1/summaries/candidates", None),
    ("GET", "/api/v1/summaries/lists", None),
    ("POST", "/api/v1/summaries", {"report_ids": []}),
    ("GET", "/api/v1/summaries/1", None),
    ("POST", "/api/v1/summaries/1/send", {"base_revision": 1}),
    ("POST", "/api/v1/summaries/1/retry", None),
]
LIST_CALLS = [
    ("GET", "/api/v1/admin/distribution-lists", None),
    ("POST", "/api/v1/admin/distribution-lists", {"name": "x", "addresses": []}),
    ("PATCH", "/api/v1/admin/distribution-lists/1", {"name": "y"}),
    ("POST", "/api/v1/admin/distribution-lists/1/retire", None),
]


@pytest.fixture
async def client(sqlite_settings: ServerSettings, clock: FakeClock) -> Any:
    from tests.support.demo import seed_demo

    await seed_demo(sqlite_settings)
    async with AsyncTestClient(app=create_app(sqlite_settings, clock=clock)) as test_client:
        yield test_client


async def _call(client: Any, method: str, path: str, body: Any, headers: dict[str, str]) -> int:
    response = await client.request(method, path, json=body, headers=headers)
    return int(response.status_code)


async def test_only_iroc_summarises_and_only_admins_manage_lists(client: Any) -> None:
    denied: list[str] = []
    for username in ONE_PER_ROLE:
        headers = await login(client, username)
        for method, path, body in SUMMARY_CALLS:
            status = await _call(client, method, path, body, headers)
            if username == "iroc.watch":
                assert status != 403, f"{username} {method} {path}: {status}"
            else:
                assert status == 403, f"{username} {method} {path}: {status}"
        for method, path, body in LIST_CALLS:
            status = await _call(client, method, path, body, headers)
            if username == "admin":
                assert status in (200, 201), f"{username} {method} {path}: {status}"
            else:
                assert status == 403, f"{username} {method} {path}: {status}"
                denied.append(username)
        me = expect(await client.get("/api/v1/me", headers=headers), 200, "me")
        offered = [w["name"] for w in me["workspaces"]]
        assert ("summaries" in offered) == (username == "iroc.watch"), username
    admin = await login(client, "admin")
    records = expect(
        await client.get("/api/v1/audit", params={"outcome": "denied"}, headers=admin), 200, "a"
    )
    assert any(r["action"].startswith("summary.") for r in records["items"])
