"""Who may use news tracking (SPEC §1, §7), every role, on SQLite and PostgreSQL.

Written out from the SPEC, not read from the policy: only public affairs tracks news
(everyone else gets 403 from /api/v1/news, audited); a report's coverage answers to
whoever may read the report (404 to anyone else, so IDs don't leak) and lists only
stories the reader may read too."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report
from tests.support.flows import ONE_PER_ROLE, action, create_and_publish, expect

# Who reads agent.nyc's submitted SIR (SPEC §1; routing per the demo's rules): the author,
# the supervisor (supervises the author), the office manager (SAC, routed), IROC, HQ (HSI),
# public affairs (masked), OPR. Not the intel roles nor the content-blind ones.
READS_THE_SIR = {"agent.nyc", "sup.nyc", "sac.nyc", "iroc.watch", "hq.hsi", "pao", "opr"}
# Of those, who reads the NEWS story too: public affairs (all NEWS) and HQ (routed to HQ).
READS_BOTH = {"pao", "hq.hsi"}


# The rule is the reports' read rule, whose SQL test_access_matrix.py and test_news.py hold
# on both databases; this file checks the roles, once.
@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_news_endpoints_for_every_role(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    users = {name: await login(client, name) for name in ONE_PER_ROLE}
    pao = users["pao"]
    sir = await create_and_publish(client, users["agent.nyc"], "SIR", clock.moment, seed=1)
    draft = expect(
        await client.post(
            "/api/v1/reports", json=complete_report("NEWS", now=clock.moment), headers=pao
        ),
        201,
        "NEWS",
    )
    story = await action(client, pao, draft, "submit")
    link = f"/api/v1/news/{story['id']}/links"
    expect(await client.post(link, json={"report_id": sir["id"]}, headers=pao), 200, "link")

    answers: dict[str, tuple[int, ...]] = {}
    for name, headers in users.items():
        listed = await client.get("/api/v1/news", headers=headers)
        one = await client.get(f"/api/v1/news/{story['id']}", headers=headers)
        outlets = await client.get("/api/v1/news/outlets", headers=headers)
        coverage = await client.get(f"/api/v1/reports/{sir['id']}/news", headers=headers)
        if coverage.status_code == 200:
            shown = [s["id"] for s in coverage.json()["items"]]
            assert shown == ([story["id"]] if name in READS_BOTH else []), name
        # pao's link is a repeat (422); its unlink comes after hq.hsi, the other reader of both.
        linking = await client.post(link, json={"report_id": sir["id"]}, headers=headers)
        unlinking = await client.delete(f"{link}/{sir['id']}", headers=headers)
        answers[name] = tuple(
            r.status_code for r in (listed, one, outlets, coverage, linking, unlinking)
        )

    expected = {
        name: (
            (200, 200, 200, 200, 422, 200)
            if name == "pao"
            else (403, 403, 403, 200 if name in READS_THE_SIR else 404, 403, 403)
        )
        for name in ONE_PER_ROLE
    }
    assert answers == expected

    # Every refusal was audited, under the action that was refused.
    isso = users["isso"]
    denied = expect(
        await client.get(
            "/api/v1/audit",
            params={"action": "news.", "outcome": "denied", "limit": 500},
            headers=isso,
        ),
        200,
        "audit",
    )["items"]
    refused_by = {r["actor"] for r in denied}
    assert refused_by >= set(ONE_PER_ROLE) - {"pao"}
