"""A date of birth and an age that disagree on the event day are refused at the age field,
by its label, for drafts and submissions alike (issue 10 item 3)."""

from datetime import timedelta
from typing import Any

from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report


def _with_person(payload: dict[str, Any], born: str, age: int) -> dict[str, Any]:
    payload["body"]["subjects"] = [{"role": "suspect", "date_of_birth": born, "age": age}]
    return payload


async def test_disagreeing_age_is_422_at_the_field_and_a_matching_one_is_saved(
    client: Any, clock: FakeClock
) -> None:
    agent = await login(client, "agent.nyc")
    payload = complete_report("SIR", now=clock(), event_at="2026-03-01T14:30:00Z")

    refused = await client.post(
        "/api/v1/reports", json=_with_person(payload, "1990-05-01", 30), headers=agent
    )
    assert refused.status_code == 422, refused.text
    answer = refused.json()
    assert [(e["field"], e["label"]) for e in answer["errors"]] == [
        ("body.subjects.0.age", "Subjects 1 · Age")
    ]
    assert answer["errors"][0]["message"] == (
        "does not match the date of birth (would be 35 on the event date)"
    )
    assert "Subjects 1 · Age" in answer["detail"]
    assert "1990" not in refused.text  # the date of birth is never repeated back

    saved = await client.post(
        "/api/v1/reports", json=_with_person(payload, "1990-05-01", 35), headers=agent
    )
    assert saved.status_code == 201, saved.text


async def test_moving_the_event_past_a_birthday_is_refused_on_save(
    client: Any, clock: FakeClock
) -> None:
    """The body is not sent again, yet the new event time makes its age wrong."""
    agent = await login(client, "agent.nyc")
    payload = complete_report("SIR", now=clock(), event_at="2026-03-01T14:30:00Z")
    draft = flows.expect(
        await client.post(
            "/api/v1/reports", json=_with_person(payload, "1990-03-10", 35), headers=agent
        ),
        201,
        "create",
    )
    moved = await client.patch(
        f"/api/v1/reports/{draft['id']}",
        json={"base_revision": draft["revision"], "event_at": "2026-03-20T10:00:00Z"},
        headers=agent,
    )
    assert moved.status_code == 422, moved.text
    assert [e["field"] for e in moved.json()["errors"]] == ["body.subjects.0.age"]
    stored = flows.expect(
        await client.get(f"/api/v1/reports/{draft['id']}", headers=agent), 200, "read"
    )
    assert stored["revision"] == draft["revision"]


async def test_a_draft_without_an_event_time_is_checked_when_it_gets_one(
    client: Any, clock: FakeClock
) -> None:
    agent = await login(client, "agent.nyc")
    payload = _with_person(complete_report("SIR", now=clock()), "1990-05-01", 3)
    del payload["event_at"]
    draft = flows.expect(
        await client.post("/api/v1/reports", json=payload, headers=agent), 201, "create"
    )
    when = (clock() - timedelta(hours=2)).isoformat()
    dated = await client.patch(
        f"/api/v1/reports/{draft['id']}",
        json={"base_revision": draft["revision"], "event_at": when},
        headers=agent,
    )
    assert dated.status_code == 422, dated.text
    assert dated.json()["errors"][0]["label"] == "Subjects 1 · Age"
