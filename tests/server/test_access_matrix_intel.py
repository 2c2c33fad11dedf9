"""Who may do which intelligence action (SPEC §1, §6): every role x every new action.

The expected table is written out from the SPEC text, not derived from
``sen_server.intel.policy``. SQLite only: the rules involve no SQL of their own (the lead
list's SQL runs on both databases in test_intel.py)."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.demo.certificates import make_recipient
from sen_server.settings import ServerSettings
from tests.server.test_access_matrix import ROLE_USERS
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.intel import add_agency, authorize, lead, product

ACTIONS = (
    "list leads",
    "triage a lead",
    "read triage history",
    "write a product",
    "list products",
    "read a product",
    "edit a product",
    "authorize another's product",
    "disseminate",
    "read disclosures",
    "list agencies",
    "add an agency",
)
INTEL_OPS = set(ACTIONS) - {"add an agency"}
HSI_INTEL = {
    "list leads",
    "read triage history",  # of the lead flagged for HSI
    "list products",
    "read a product",
    "disseminate",
    "read disclosures",
    "list agencies",
}
ALLOWED: dict[str, set[str]] = {
    "intel.ops1": INTEL_OPS,
    "hsi.intel": HSI_INTEL,
    "isso": {"read disclosures"},
    "admin": {"list agencies", "add an agency"},
}


@pytest.fixture
async def client(
    tmp_path: Path, demo_template_sqlite: ServerSettings, clock: FakeClock
) -> AsyncIterator[AsyncTestClient[Any]]:
    shutil.copytree(demo_template_sqlite.data_dir, tmp_path / "data")
    async with AsyncTestClient(
        app=create_app(server_settings(tmp_path), clock=clock)
    ) as test_client:
        yield test_client


async def test_intel_access_matrix(client: AsyncTestClient[Any], clock: FakeClock) -> None:
    now = clock()
    officer, ops2, admin = [await login(client, u) for u in ("officer.nyc", "intel.ops2", "admin")]
    ops1 = await login(client, "intel.ops1")
    flagged = await lead(client, officer, now, 1)
    for state in ("reviewed", "flagged_for_hsi"):
        await client.post(
            f"/api/v1/intel/leads/{flagged['id']}/triage", json={"state": state}, headers=ops1
        )
    agency, _ = await add_agency(client, admin, now)
    by_ops2 = await product(client, ops2, [flagged["id"]])
    ready = await authorize(client, ops1, await product(client, ops2, [flagged["id"]]))
    fresh_leads = {
        u: await lead(client, officer, now, 10 + i) for i, u in enumerate(ROLE_USERS.values())
    }

    async def attempt(user: str, headers: dict[str, str], action: str) -> int:
        pid = by_ops2["id"]
        calls: dict[str, tuple[str, str, dict[str, Any] | None]] = {
            "list leads": ("GET", "/api/v1/intel/leads", None),
            "triage a lead": (
                "POST",
                f"/api/v1/intel/leads/{fresh_leads[user]['id']}/triage",
                {"state": "reviewed"},
            ),
            "read triage history": ("GET", f"/api/v1/intel/leads/{flagged['id']}/triage", None),
            "write a product": (
                "POST",
                "/api/v1/intel/products",
                {"lead_ids": [flagged["id"]], "title": "T"},
            ),
            "list products": ("GET", "/api/v1/intel/products", None),
            "read a product": ("GET", f"/api/v1/intel/products/{pid}", None),
            "edit a product": (
                "PATCH",
                f"/api/v1/intel/products/{pid}",
                {"base_revision": 1, "caveats": f"by {user}"},
            ),
            "authorize another's product": (
                "POST",
                f"/api/v1/intel/products/{pid}/authorize",
                {"base_revision": 2},  # after intel.ops1's edit above
            ),
            "disseminate": (
                "POST",
                f"/api/v1/intel/products/{ready['id']}/disseminations",
                {
                    "base_revision": ready["revision"],
                    "agency_id": agency["id"],
                    "purpose": "Matrix check of who may send",
                    "channel": "file",
                },
            ),
            "read disclosures": ("GET", "/api/v1/disclosures", None),
            "list agencies": ("GET", "/api/v1/admin/agencies", None),
            "add an agency": (
                "POST",
                "/api/v1/admin/agencies",
                {
                    "name": f"Agency of {user}",
                    "address": "1 Road",
                    "certificate_pem": make_recipient(user, now).certificate_pem,
                },
            ),
        }
        method, url, body = calls[action]
        params = {"report_id": flagged["id"]} if action == "read disclosures" else None
        response = await client.request(method, url, json=body, params=params, headers=headers)
        return response.status_code

    problems: list[str] = []
    for user in ROLE_USERS.values():
        headers = ops1 if user == "intel.ops1" else await login(client, user)
        allowed = ALLOWED.get(user, set())
        for action in ACTIONS:
            status = await attempt(user, headers, action)
            ok = status in (200, 201)
            if ok != (action in allowed):
                wanted = "allowed" if action in allowed else "refused"
                problems.append(f"{user} {action}: {status}, expected {wanted}")
            elif not ok and status not in (403, 404):
                problems.append(f"{user} {action}: refused with {status}, expected 403 or 404")
    assert not problems, "\n".join(problems)
