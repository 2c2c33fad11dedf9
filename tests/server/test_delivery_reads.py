"""Opening a delivered report reads the reader's copy: new → read once, with the time of
that first reading; an amendment makes it "updated" (unread again) until the reader opens it
once more; opening a report already read changes nothing. The author's own view and a
reader without a delivery change no delivery. On SQLite and PostgreSQL."""

from typing import Any

from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock

READER = "sac.nyc"  # the NYC office manager: agent.nyc's SIRs are routed to them


async def _copy(client: Any, author: dict[str, str], report_id: str) -> dict[str, Any]:
    return (await flows.routed_to(client, author, report_id))[READER]


async def _unread(client: Any, headers: dict[str, str], report_id: str) -> tuple[int, bool]:
    page = await flows.queue(client, headers, "mine")
    (row,) = [item for item in page["items"] if item["id"] == report_id]
    return page["unread"], row["updated"] or row["delivery_state"] == "new"


async def test_opening_reads_the_copy_once_and_an_amendment_unreads_it(
    client: Any, clock: FakeClock
) -> None:
    author = await login(client, "agent.nyc")
    reader = await login(client, READER)
    report = await flows.create_and_publish(client, author, "SIR", clock())
    report_id = report["id"]
    before = await _copy(client, author, report_id)
    assert before["state"] == "new" and before["read_at"] is None
    unread_before, row_unread = await _unread(client, reader, report_id)
    assert row_unread

    for _ in range(2):  # the author opening their report touches no delivery
        assert (await client.get(f"/api/v1/reports/{report_id}", headers=author)).is_success
    assert await _copy(client, author, report_id) == before

    clock.advance(minutes=5)
    opened = await client.get(f"/api/v1/reports/{report_id}", headers=reader)
    assert opened.status_code == 200 and "acknowledge" in opened.json()["allowed_actions"]
    first = await _copy(client, author, report_id)
    assert first["state"] == "read" and first["read_at"] is not None
    assert await _unread(client, reader, report_id) == (unread_before - 1, False)

    clock.advance(minutes=5)
    assert (await client.get(f"/api/v1/reports/{report_id}", headers=reader)).is_success
    assert await _copy(client, author, report_id) == first  # the first reading's time stands

    current = (await client.get(f"/api/v1/reports/{report_id}", headers=author)).json()
    await flows.action(client, author, current, "amend", reason="title corrected", title="New")
    amended = await _copy(client, author, report_id)
    assert amended["updated"] and amended["state"] == "read"
    assert await _unread(client, reader, report_id) == (unread_before, True)

    clock.advance(minutes=5)
    assert (await client.get(f"/api/v1/reports/{report_id}", headers=reader)).is_success
    reread = await _copy(client, author, report_id)
    assert not reread["updated"] and reread["read_at"] == first["read_at"]
    assert await _unread(client, reader, report_id) == (unread_before - 1, False)
