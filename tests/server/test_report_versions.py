"""Version numbers people see, apart from the revision every write is checked against
(issue 10 item 3): a draft's saves rewrite its working version, sending it does not make a
number, the first edit after a review does, and so does every amendment."""

from typing import Any

from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock


async def _versions(client: Any, headers: dict[str, str], report_id: str) -> list[Any]:
    response = await client.get(f"/api/v1/reports/{report_id}/versions", headers=headers)
    return flows.expect(response, 200, "versions")["items"]


async def _save(
    client: Any, headers: dict[str, str], report: dict[str, Any], **changes: Any
) -> dict[str, Any]:
    response = await client.patch(
        f"/api/v1/reports/{report['id']}",
        json={"base_revision": report["revision"], **changes},
        headers=headers,
    )
    return flows.expect(response, 200, f"save {report['id']}")


async def test_ten_draft_saves_then_review_make_version_1(client: Any, clock: FakeClock) -> None:
    agent = await login(client, "agent.nyc")
    sup = await login(client, "sup.nyc")
    draft = await flows.create(client, agent, "SIR", clock())
    assert (draft["version"], draft["revision"]) == (1, 1)
    for n in range(10):
        draft = await _save(client, agent, draft, title=f"Arrest at the port, draft {n}")
        assert (draft["version"], draft["revision"]) == (1, n + 2)

    # A write based on an older revision is still a conflict, with the report as it is.
    stale = await client.patch(
        f"/api/v1/reports/{draft['id']}",
        json={"base_revision": 3, "title": "From an old window"},
        headers=agent,
    )
    assert stale.status_code == 409, stale.text
    assert stale.json()["reason"] == "version_conflict"
    assert stale.json()["extra"]["current"]["revision"] == draft["revision"]

    asked = await flows.action(client, agent, draft, "request-review")
    assert (asked["status"], asked["version"]) == ("in_review", 1)
    assert asked["revision"] == draft["revision"] + 1
    [only] = await _versions(client, agent, draft["id"])
    assert (only["version"], only["status"]) == (1, "in_review")
    assert only["title"] == "Arrest at the port, draft 9"

    approved = await flows.action(client, sup, asked, "approve")
    assert (approved["status"], approved["version"]) == ("submitted", 1)

    # An amendment is seen by the recipients at once: a version of its own, comparable.
    amended = flows.expect(
        await client.post(
            f"/api/v1/reports/{draft['id']}/amend",
            json={
                "base_revision": approved["revision"],
                "title": "Arrest at the port",
                "reason": "Final title",
            },
            headers=agent,
        ),
        200,
        "amend",
    )
    assert amended["version"] == 2
    versions = await _versions(client, agent, draft["id"])
    assert [(v["version"], v["status"], v["reason"]) for v in versions] == [
        (1, "submitted", None),
        (2, "submitted", "Final title"),
    ]
    compared = flows.expect(
        await client.get(
            f"/api/v1/reports/{draft['id']}/compare",
            params={"from_version": 1, "to_version": 2},
            headers=agent,
        ),
        200,
        "compare",
    )
    assert [d["field"] for d in compared["differences"]] == ["title"]


async def test_first_edit_after_a_return_opens_the_next_version(
    client: Any, clock: FakeClock
) -> None:
    """The reviewer saw version 1: what the author changes after the return is version 2,
    however many saves it takes, so the reviewer can compare the two."""
    agent = await login(client, "agent.nyc")
    sup = await login(client, "sup.nyc")
    draft = await flows.create(client, agent, "SIR", clock())
    asked = await flows.action(client, agent, draft, "request-review")
    returned = await flows.action(client, sup, asked, "return", comment="Name the port.")
    assert (returned["status"], returned["version"]) == ("returned", 1)

    edited = await _save(client, agent, returned, title="Arrest at Port Newark")
    edited = await _save(client, agent, edited, case_number="NY-2026-0042")
    assert edited["version"] == 2
    again = await flows.action(client, agent, edited, "request-review")
    assert again["version"] == 2
    versions = await _versions(client, agent, draft["id"])
    assert [(v["version"], v["status"]) for v in versions] == [(1, "returned"), (2, "in_review")]
    assert versions[1]["title"] == "Arrest at Port Newark"


async def test_closing_changes_the_status_of_the_current_version(
    client: Any, clock: FakeClock
) -> None:
    """A status change alone is no new content: closing keeps the version number."""
    agent = await login(client, "agent.nyc")
    submitted = await flows.create_and_publish(client, agent, "SIR", clock())
    assert submitted["version"] == 1
    closed = await flows.action(client, agent, submitted, "close")
    assert (closed["status"], closed["version"]) == ("closed", 1)
    [only] = await _versions(client, agent, submitted["id"])
    assert only["status"] == "closed"
