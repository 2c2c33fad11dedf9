"""Editing and removing outside agencies (SPEC §6, issue 14 item 4): `admin` replaces a
certificate or changes an agency's details, every change audited with the names of the
changed fields; bad input is a 422 naming each field and changes nothing; a removed agency
is no longer a recipient while the accounting keeps its disclosures to it. The rules have
no SQL of their own, so SQLite is enough."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from sen_server.app import create_app
from sen_server.demo.certificates import make_recipient
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.flows import expect
from tests.support.intel import add_agency, authorize, disseminate, lead, product


@pytest.fixture
async def client(
    tmp_path: Path, demo_template_sqlite: ServerSettings, clock: FakeClock
) -> AsyncIterator[AsyncTestClient[Any]]:
    shutil.copytree(demo_template_sqlite.data_dir, tmp_path / "data")
    async with AsyncTestClient(app=create_app(server_settings(tmp_path), clock=clock)) as client:
        yield client


async def audited(client: AsyncTestClient[Any], action: str) -> list[AuditRecord]:
    """The successful changes of ``action`` (refusals are audited too, as failures)."""
    runtime = Runtime.build(client.app.state.runtime.settings)
    try:
        async with runtime.sessions() as session:
            found = await session.exec(
                select(AuditRecord).where(
                    col(AuditRecord.action) == action, col(AuditRecord.outcome) == "success"
                )
            )
            return list(found.all())
    finally:
        await runtime.engine.dispose()


async def test_admin_edits_an_agency_and_bad_input_names_each_field(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    admin = await login(client, "admin")
    agency, _ = await add_agency(client, admin, clock(), name="Harbor Task Force")
    path = f"/api/v1/admin/agencies/{agency['id']}"

    renewed = make_recipient("Harbor Task Force 2", clock(), valid_days=730)
    changes = {"certificate_pem": renewed.certificate_pem, "email": "desk@example.gov"}
    edited = expect(await client.patch(path, json=changes, headers=admin), 200, "edit")
    assert edited["certificate_subject"] == "CN=Harbor Task Force 2"
    assert edited["certificate_not_after"] > agency["certificate_not_after"]
    assert (edited["email"], edited["address"]) == ("desk@example.gov", agency["address"])
    (record,) = await audited(client, "admin.agency_update")
    assert record.outcome == "success" and record.object_id == str(agency["id"])
    assert record.details == {"fields": ["certificate_pem", "email"]}
    assert "desk@example.gov" not in str(record.details)  # names of fields, not values

    expired = make_recipient("Harbor Task Force 3", clock(), expired=True).certificate_pem
    bad = {
        "certificate_pem": expired,
        "email": "not an address",
        "name": "Metro Joint Terrorism Task Force",  # a demo agency's
        "address": "   ",
    }
    refused = await client.patch(path, json=bad, headers=admin)
    assert refused.status_code == 422, refused.text
    named = {e["field"]: e["label"] for e in refused.json()["errors"]}
    assert named == {
        "certificate_pem": "Certificate",
        "email": "E-mail",
        "name": "Name",
        "address": "Address",
    }
    assert "expired" in str(refused.json()["errors"])
    listed = expect(await client.get("/api/v1/admin/agencies", headers=admin), 200, "list")
    (now,) = [a for a in listed["items"] if a["id"] == agency["id"]]
    assert now == edited  # nothing changed
    assert len(await audited(client, "admin.agency_update")) == 1  # the refusal changed nothing

    for body in ({"name": ""}, {"colour": "red"}, {"certificate_pem": "x" * 20001}):
        response = await client.patch(path, json=body, headers=admin)
        assert response.status_code in {400, 422}, (body, response.text)
    missing = await client.patch("/api/v1/admin/agencies/999999", json={}, headers=admin)
    assert missing.status_code == 404


async def test_a_removed_agency_is_no_recipient_and_its_disclosures_stay_accounted(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    officer, ops1, ops2, admin = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
    ]
    source = await lead(client, officer, clock(), 5)
    agency, _ = await add_agency(client, admin, clock(), name="River Task Force")
    ready = await authorize(client, ops2, await product(client, ops1, [source["id"]]))
    expect(await disseminate(client, ops1, ready, agency["id"]), 201, "disseminate")

    path = f"/api/v1/admin/agencies/{agency['id']}"
    assert (await client.delete(path, headers=ops1)).status_code == 403  # admin only
    assert (await client.delete(path, headers=admin)).status_code == 204
    assert (await client.delete(path, headers=admin)).status_code == 404
    listed = expect(await client.get("/api/v1/admin/agencies", headers=ops1), 200, "list")
    assert "River Task Force" not in {a["name"] for a in listed["items"]}
    (record,) = await audited(client, "admin.agency_remove")
    assert record.object_id == str(agency["id"])

    again = await disseminate(client, ops1, ready, agency["id"])
    assert again.status_code == 422
    assert again.json()["errors"][0]["label"] == "Agency"
    accounted = expect(
        await client.get("/api/v1/disclosures", params={"report_id": source["id"]}, headers=ops1),
        200,
        "disclosures",
    )
    (disclosure,) = accounted["items"]
    assert (disclosure["agency_name"], disclosure["agency_address"]) == (
        "River Task Force",
        agency["address"],
    )
