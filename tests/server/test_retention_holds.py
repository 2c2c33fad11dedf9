"""Legal holds through the API (SPEC §8): administrators place and lift them with a reason;
everyone else is refused; bad input is a 4xx naming the field, and changes nothing."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.flows import create_and_publish, expect

HOLDS = "/api/v1/admin/holds"
REASON = "Litigation hold, case 26-cv-0117"


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_admin_places_and_lifts_a_hold_others_are_refused(
    client: Any, clock: FakeClock
) -> None:
    admin, agent, isso = [await login(client, u) for u in ("admin", "agent.nyc", "isso")]
    report = await create_and_publish(client, agent, "SIR", datetime.now(UTC))

    for who in (agent, isso):
        assert (await client.get(HOLDS, headers=who)).status_code == 403
        refused = await client.post(
            HOLDS, json={"report_id": report["id"], "reason": REASON}, headers=who
        )
        assert refused.status_code == 403

    bad_inputs = [
        ({"report_id": "SIR-2026-999999", "reason": REASON}, 422, "Report"),  # no such report
        ({"report_id": "not an id", "reason": REASON}, 422, "Report"),
        ({"report_id": report["id"], "reason": ""}, 422, "Reason"),
        ({"report_id": report["id"]}, 422, "Reason"),
        ({"report_id": report["id"], "reason": REASON, "until": "2030"}, 422, "Until"),
    ]
    for body, status, label in bad_inputs:
        answer = await client.post(HOLDS, json=body, headers=admin)
        assert answer.status_code == status, (body, answer.text)
        assert label in answer.json()["detail"], answer.text
        assert REASON not in answer.text  # nothing submitted is echoed
    assert expect(await client.get(HOLDS, headers=admin), 200, "list")["items"] == []

    hold = expect(
        await client.post(HOLDS, json={"report_id": report["id"], "reason": REASON}, headers=admin),
        201,
        "place",
    )
    assert (hold["report_id"], hold["placed_by"], hold["active"]) == (report["id"], "admin", True)
    again = await client.post(HOLDS, json={"report_id": report["id"], "reason": "x"}, headers=admin)
    assert (again.status_code, again.json()["reason"]) == (409, "already_held")
    listed = expect(await client.get(HOLDS, headers=admin), 200, "list")["items"]
    assert [h["id"] for h in listed] == [hold["id"]]

    lift = f"{HOLDS}/{hold['id']}/lift"
    assert (await client.post(lift, json={}, headers=admin)).status_code == 422
    lifted = expect(
        await client.post(lift, json={"reason": "Case closed"}, headers=admin), 200, "lift"
    )
    assert (lifted["active"], lifted["lifted_by"], lifted["lift_reason"]) == (
        False,
        "admin",
        "Case closed",
    )
    twice = await client.post(lift, json={"reason": "again"}, headers=admin)
    assert (twice.status_code, twice.json()["reason"]) == (409, "already_lifted")
    missing = await client.post(f"{HOLDS}/99999/lift", json={"reason": "r"}, headers=admin)
    assert missing.status_code == 404
    assert expect(await client.get(HOLDS, headers=admin), 200, "list")["items"] == []
    history = expect(await client.get(HOLDS, params={"active": "false"}, headers=admin), 200, "")
    assert [h["id"] for h in history["items"]] == [hold["id"]]

    records = expect(
        await client.get("/api/v1/audit", params={"action": "admin.hold"}, headers=isso), 200, ""
    )["items"]
    changes = [r for r in records if r["object_id"] == report["id"]]
    assert [(r["action"], r["object_id"], r["outcome"]) for r in changes] == [
        ("admin.hold_lift", report["id"], "success"),
        ("admin.hold_place", report["id"], "success"),
    ]
    # The reasons stay with the hold: free text is never copied into the audit log.
    assert not any(
        REASON in str(r["details"]) or "Case closed" in str(r["details"]) for r in records
    )
