"""Who may review the audit log, written out from SPEC §1: `admin` reads it, `auditor`
(the ISSO) reads and verifies it, every other role gets 403 and the refusal is audited.
A policy check, the same SQL on both databases: SQLite only."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.server.test_access_matrix import ROLE_USERS
from tests.support.api import login

READERS = {"admin", "isso"}
VERIFIERS = {"isso"}
CALLS = [
    ("GET", "/api/v1/audit", READERS),
    ("GET", "/api/v1/audit/failed-logons", READERS),
    ("POST", "/api/v1/audit/verify", VERIFIERS),
]


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_every_role_against_the_audit_review_calls(client: AsyncTestClient[Any]) -> None:
    outcomes: dict[tuple[str, str, str], int] = {}
    for username in ROLE_USERS.values():
        headers = await login(client, username)
        for method, path, _ in CALLS:
            response = await client.request(method, path, headers=headers)
            outcomes[(username, method, path)] = response.status_code
    expected = {
        (username, method, path): 200 if username in allowed else 403
        for username in ROLE_USERS.values()
        for method, path, allowed in CALLS
    }
    assert outcomes == expected

    isso = await login(client, "isso")
    denied = await client.get(
        "/api/v1/audit", params={"outcome": "denied", "limit": 500}, headers=isso
    )
    refused = {(r["actor"], r["action"]) for r in denied.json()["items"]}
    for username in set(ROLE_USERS.values()) - READERS:
        assert (username, "audit.read") in refused
        assert (username, "audit.failed_logons") in refused
        assert (username, "audit.verify") in refused
    assert ("admin", "audit.verify") in refused
