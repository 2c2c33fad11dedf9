"""A new report's starting values come from the server (issue 10 item 3, SPEC §1): the
author's and their supervisor's contacts from their profiles, a SPOT's time now; and an
office field names an office SEN knows."""

from typing import Any

from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report


async def _name_of(client: Any, headers: dict[str, str], username: str) -> str:
    users = flows.expect(
        await client.get("/api/v1/users", params={"q": username}, headers=headers), 200, "users"
    )["items"]
    return next(u["display_name"] for u in users if u["username"] == username)


async def test_a_new_sir_starts_with_the_authors_and_supervisors_contacts(
    client: Any, clock: FakeClock
) -> None:
    agent = await login(client, "agent.nyc")
    start = flows.expect(
        await client.get("/api/v1/reports/new", params={"type": "SIR"}, headers=agent),
        200,
        "start an SIR",
    )
    body = start["body"]
    assert body["reporting_contact"]["name"] == await _name_of(client, agent, "agent.nyc")
    assert body["reporting_contact"]["email"] == "agent.nyc@sen.example"
    assert body["reporting_contact"]["office_agency"] == "RAC Long Island"
    assert body["supervisor_contact"]["name"] == await _name_of(client, agent, "sup.nyc")
    assert (start["type"], start["priority"], start["event_at"]) == ("SIR", "routine", None)
    assert set(body) == {"reporting_contact", "supervisor_contact"}
    # Nothing was stored: a start is not a draft.
    mine = await client.get("/api/v1/reports", params={"mine": "true"}, headers=agent)
    assert mine.json()["items"] == []


async def test_a_new_spot_starts_now_at_flash_priority(client: Any, clock: FakeClock) -> None:
    officer = await login(client, "officer.nyc")
    start = flows.expect(
        await client.get("/api/v1/reports/new", params={"type": "SPOT"}, headers=officer),
        200,
        "start a SPOT",
    )
    minute = clock().replace(second=0, microsecond=0)
    assert start["event_at"].replace("Z", "+00:00") == minute.isoformat()
    assert start["priority"] == "flash"
    assert start["body"]["reporting_officer"]["name"]


async def test_a_type_the_caller_may_not_write_is_refused(client: Any) -> None:
    pao = await login(client, "pao")
    refused = await client.get("/api/v1/reports/new", params={"type": "SIR"}, headers=pao)
    assert refused.status_code == 403, refused.text
    assert refused.json()["reason"] == "type_not_permitted"
    unknown = await client.get("/api/v1/reports/new", params={"type": "NOPE"}, headers=pao)
    assert unknown.status_code in (400, 422), unknown.text
    missing = await client.get("/api/v1/reports/new", headers=pao)
    assert missing.status_code in (400, 422), missing.text


async def test_an_authorizing_office_must_be_an_office_sen_knows(
    client: Any, clock: FakeClock
) -> None:
    agent = await login(client, "agent.nyc")
    payload = complete_report("SPOT", now=clock())
    payload["body"]["authorizing_office"] = "NO-SUCH-OFFICE"
    refused = await client.post("/api/v1/reports", json=payload, headers=agent)
    assert refused.status_code == 422, refused.text
    assert [(e["field"], e["label"], e["message"]) for e in refused.json()["errors"]] == [
        ("body.authorizing_office", "Authorizing office", "is not an office SEN knows")
    ]
    payload["body"]["authorizing_office"] = "FOD-NYC"
    created = await client.post("/api/v1/reports", json=payload, headers=agent)
    assert created.status_code == 201, created.text
    submitted = await flows.action(client, agent, created.json(), "submit")
    assert submitted["body"]["authorizing_office"] == "FOD-NYC"
