"""Who may count (SPEC §1, §7), every demo user against both statistics endpoints: the
statistician and public affairs count everything, office managers their own area, the HQ
agent their programme; everyone else gets 403 (not an empty answer, not someone else's
numbers), the refusal is audited, and ``/me`` offers the Statistics workspace to exactly
those who may use it. Policy, not SQL: SQLite alone."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from sen_server.db import create_engine
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.flows import DEMO_USERS

# Written out from SPEC §1, not derived from the policy: user -> the scope they count.
MAY_COUNT = {
    "stats": "all reports",
    "pao": "all reports",
    "sac.nyc": "area NYC",
    "fod.nyc": "area NYC",
    "fig.nyc": "area NYC",
    "sac.lax": "area LAX",
    "fod.lax": "area LAX",
    "fig.lax": "area LAX",
    "hq.hsi": "programme HSI",
}
ENDPOINTS = ("/api/v1/stats", "/api/v1/stats/export.csv")


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_every_role_against_the_statistics_endpoints(
    client: AsyncTestClient[Any], demo_settings: ServerSettings
) -> None:
    refused = 0
    for user in DEMO_USERS:
        headers = await login(client, user)
        me = (await client.get("/api/v1/me", headers=headers)).json()
        offered = [w["name"] for w in me["workspaces"]]
        assert ("statistics" in offered) == (user in MAY_COUNT), f"{user}: {offered}"
        for url in ENDPOINTS:
            response = await client.get(url, params={"group_by": "office"}, headers=headers)
            if user not in MAY_COUNT:
                assert response.status_code == 403, f"{user} {url}: {response.status_code}"
                assert "rows" not in response.json(), f"{user} {url}: counts in a refusal"
                refused += 1
                continue
            assert response.status_code == 200, f"{user} {url}: {response.text}"
            if url.endswith(".csv"):
                assert f"Counts of reports ({MAY_COUNT[user]})" in response.text
            else:
                assert response.json()["scope"] == MAY_COUNT[user]
    engine = create_engine(demo_settings)
    async with engine.connect() as conn:
        denials = (
            await conn.execute(
                text(
                    "SELECT COUNT(*) FROM audit_record WHERE outcome = 'denied' "
                    "AND action IN ('stats.read', 'stats.export')"
                )
            )
        ).scalar_one()
    await engine.dispose()
    assert denials == refused
