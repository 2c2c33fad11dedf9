"""What /me offers for distribution lists and outside agencies: the administration
workspace's Lists and Agencies tabs appear for `admin` only (SPEC §1, §5, §6), and every
role /me does not offer them to is refused the endpoints behind them. Written out from the
SPEC, not derived from the policies; no SQL of its own, so SQLite is enough."""

from typing import Any

import pytest

from tests.server.test_access_matrix import ROLE_USERS
from tests.support.api import login

pytestmark = pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)

MANAGES = {"admin"}
# Who only reads agencies, to pick a recipient for a dissemination (SPEC §6).
READS_AGENCIES = {"intel_ops", "hsi_intel"}


async def test_lists_and_agencies_are_offered_to_admin_only(client: Any) -> None:
    for role, username in ROLE_USERS.items():
        headers = await login(client, username)
        me = (await client.get("/api/v1/me", headers=headers)).json()
        actions = {a for w in me["workspaces"] for a in w["actions"]}
        admin_actions = {a for w in me["workspaces"] if w["name"] == "admin" for a in w["actions"]}
        manages = username in MANAGES
        assert ("manage_lists" in admin_actions) == manages, role
        assert ("manage_agencies" in admin_actions) == manages, role
        assert ("manage_lists" in actions) == manages, role

        lists = await client.get("/api/v1/admin/distribution-lists", headers=headers)
        assert lists.status_code == (200 if manages else 403), (role, lists.text)
        created = await client.post(
            "/api/v1/admin/distribution-lists",
            json={"name": f"Made by {role}", "addresses": []},
            headers=headers,
        )
        assert created.status_code == (201 if manages else 403), (role, created.text)
        agencies = await client.get("/api/v1/admin/agencies", headers=headers)
        reads = manages or role in READS_AGENCIES
        assert agencies.status_code == (200 if reads else 403), (role, agencies.text)
        added = await client.post(
            "/api/v1/admin/agencies",
            json={"name": "X", "address": "Y", "certificate_pem": "not a certificate"},
            headers=headers,
        )
        # Only admin gets as far as the certificate check.
        assert added.status_code == (422 if manages else 403), (role, added.text)
        # Editing and removing an agency: an unknown one for admin, refused for the rest.
        edited = await client.patch(
            "/api/v1/admin/agencies/999999", json={"name": "Z"}, headers=headers
        )
        assert edited.status_code == (404 if manages else 403), (role, edited.text)
        removed = await client.delete("/api/v1/admin/agencies/1", headers=headers)
        if not manages:
            assert removed.status_code == 403, (role, removed.text)
