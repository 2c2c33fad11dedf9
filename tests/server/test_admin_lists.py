"""Distribution lists as the administration client changes them (issue 14 item 4): an edit
is audited with the names of the fields it changed, and an edit that changes nothing says
so; a refused edit changes nothing. No SQL of its own, so SQLite is enough."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.flows import expect


@pytest.fixture
async def client(
    tmp_path: Path, demo_template_sqlite: ServerSettings, clock: FakeClock
) -> AsyncIterator[AsyncTestClient[Any]]:
    shutil.copytree(demo_template_sqlite.data_dir, tmp_path / "data")
    async with AsyncTestClient(app=create_app(server_settings(tmp_path), clock=clock)) as client:
        yield client


async def test_a_list_edit_is_audited_with_the_fields_it_changed(
    client: AsyncTestClient[Any],
) -> None:
    admin = await login(client, "admin")
    made = expect(
        await client.post(
            "/api/v1/admin/distribution-lists",
            json={"name": "Port desk", "addresses": ["a@example.gov"]},
            headers=admin,
        ),
        201,
        "create",
    )
    path = f"/api/v1/admin/distribution-lists/{made['id']}"
    edits = [
        {"name": "Port desk", "addresses": ["a@example.gov", "b@example.gov"]},
        {"name": "Port desk (night)", "addresses": ["a@example.gov", "b@example.gov"]},
        {"name": "Port desk (night)"},
    ]
    for body in edits:
        expect(await client.patch(path, json=body, headers=admin), 200, "edit")
    refused = await client.patch(
        path, json={"name": "Front office", "addresses": ["c@example.gov"]}, headers=admin
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["label"] == "Name"

    records = expect(
        await client.get(
            "/api/v1/audit",
            params={"action": "admin.distribution_list.update", "outcome": "success"},
            headers=admin,
        ),
        200,
        "audit",
    )
    oldest_first = [r["details"]["fields"] for r in reversed(records["items"])]
    assert oldest_first == [["addresses"], ["name"], []]
    now = expect(await client.get("/api/v1/admin/distribution-lists", headers=admin), 200, "l")
    (row,) = [r for r in now["items"] if r["id"] == made["id"]]
    assert (row["name"], row["addresses"]) == (
        "Port desk (night)",
        ["a@example.gov", "b@example.gov"],
    )
