"""Report workflow steps through the API, shared by the routing, workflow, queue and
live-event tests. Every helper takes an httpx-style client (the in-process test client or
an ``httpx.AsyncClient`` pointed at a real server) and the caller's auth headers, and
asserts the step succeeded, naming it, so a broken setup fails where it broke."""

from datetime import datetime
from typing import Any

from tests.support.factories import complete_report

# SPEC §3: these types must be reviewed before they are submitted.
MANDATORY_REVIEW = ("OPPRED", "SPEAR")

# The demo organisation's users (SPEC §11), written out rather than read from the seed so
# that tests hold the server to the spec, not to itself.
DEMO_USERS = (
    "agent.nyc",
    "sup.nyc",
    "sac.nyc",
    "officer.nyc",
    "sdo.nyc",
    "fod.nyc",
    "fig.nyc",
    "agent.lax",
    "sup.lax",
    "sac.lax",
    "officer.lax",
    "sdo.lax",
    "fod.lax",
    "fig.lax",
    "iroc.watch",
    "hq.hsi",
    "intel.ops1",
    "intel.ops2",
    "hsi.intel",
    "pao",
    "opr",
    "stats",
    "admin",
    "isso",
)
# One account of every kind of role (SPEC §11), for tests that visit each role once.
ONE_PER_ROLE = (
    "agent.nyc",
    "sup.nyc",
    "sac.nyc",
    "iroc.watch",
    "hq.hsi",
    "intel.ops1",
    "hsi.intel",
    "pao",
    "opr",
    "stats",
    "admin",
    "isso",
)
# Those who hold a content role: every demo user but the statistician, admin and auditor.
CONTENT_USERS = frozenset(DEMO_USERS) - {"stats", "admin", "isso"}


def expect(response: Any, status: int, what: str) -> dict[str, Any]:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text}"
    body = response.json()
    return body if isinstance(body, dict) else {"items": body}


async def create(
    client: Any,
    headers: dict[str, str],
    report_type: str,
    now: datetime,
    seed: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """A complete draft of ``report_type``; ``extra`` overrides envelope fields."""
    payload = complete_report(report_type, now=now, seed=seed, **extra)
    return expect(
        await client.post("/api/v1/reports", json=payload, headers=headers),
        201,
        f"create {report_type}",
    )


async def action(
    client: Any, headers: dict[str, str], report: dict[str, Any], name: str, **body: Any
) -> dict[str, Any]:
    """POST /api/v1/reports/{id}/{name} based on the version in ``report``."""
    return expect(
        await client.post(
            f"/api/v1/reports/{report['id']}/{name}",
            json={"base_revision": report["revision"], **body},
            headers=headers,
        ),
        200,
        f"{name} {report['id']}",
    )


async def publish(
    client: Any,
    author: dict[str, str],
    report: dict[str, Any],
    reviewer: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Submit a draft: directly, or via request-review + approve where review is mandatory
    (``reviewer`` must then be given)."""
    if report["type"] in MANDATORY_REVIEW:
        assert reviewer is not None, f"{report['type']} needs a reviewer"
        asked = await action(client, author, report, "request-review")
        return await action(client, reviewer, asked, "approve")
    return await action(client, author, report, "submit")


async def create_and_publish(
    client: Any,
    author: dict[str, str],
    report_type: str,
    now: datetime,
    *,
    seed: int = 0,
    reviewer: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    draft = await create(client, author, report_type, now, seed, **extra)
    return await publish(client, author, draft, reviewer)


async def routed_to(client: Any, headers: dict[str, str], report_id: str) -> dict[str, Any]:
    """{username: delivery} from GET /api/v1/reports/{id}/routing."""
    rows = expect(
        await client.get(f"/api/v1/reports/{report_id}/routing", headers=headers),
        200,
        f"routing of {report_id}",
    )["items"]
    names = [row["recipient"] for row in rows]
    assert len(names) == len(set(names)), f"{report_id}: a user has two deliveries: {names}"
    return {row["recipient"]: row for row in rows}


async def queue(client: Any, headers: dict[str, str], name: str, **params: Any) -> dict[str, Any]:
    params.setdefault("limit", 500)
    return expect(
        await client.get(f"/api/v1/queues/{name}", params=params, headers=headers),
        200,
        f"queue {name}",
    )
