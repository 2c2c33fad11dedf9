"""News tracking (SPEC §7, issue 13 item 5) through the API, on SQLite and PostgreSQL:
public affairs lists stories newest first, filters them by outlet and publication time,
pages on, links and unlinks the reports a story covers (only reports it may read), and
a report's detail shows its coverage to whoever may read the report and the story."""

import json
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report
from tests.support.flows import action, create_and_publish, expect


async def _story(
    client: Any, pao: dict[str, str], now: Any, seed: int, outlet: str, hours_ago: int
) -> dict[str, Any]:
    payload = complete_report("NEWS", now=now, seed=seed)
    payload["body"].update(
        headline=f"Story {seed}",
        outlet=outlet,
        published_at=(now - timedelta(hours=hours_ago)).isoformat(),
    )
    draft = expect(await client.post("/api/v1/reports", json=payload, headers=pao), 201, "NEWS")
    return await action(client, pao, draft, "submit")


def _field_error(response: Any, status: int, field: str, label: str) -> None:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert [(e["field"], e["label"]) for e in errors] == [(field, label)], errors


async def test_public_affairs_tracks_stories_and_links_reports(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    now = clock.moment
    pao, agent, hq, isso = [await login(client, u) for u in ("pao", "agent.nyc", "hq.hsi", "isso")]
    herald = await _story(client, pao, now, 1, "The Albany Herald", hours_ago=30)
    tribune = await _story(client, pao, now, 2, "Tribune Online", hours_ago=5)
    herald_2 = await _story(client, pao, now, 3, "the  albany HERALD", hours_ago=2)
    sir = await create_and_publish(client, agent, "SIR", now, seed=4)
    sup = await login(client, "sup.nyc")
    oppred = await create_and_publish(client, agent, "OPPRED", now, seed=5, reviewer=sup)

    # The list: newest first by publication time, the story's own fields.
    listed = expect(await client.get("/api/v1/news", headers=pao), 200, "list")
    ids = [row["id"] for row in listed["items"]]
    assert ids == [herald_2["id"], tribune["id"], herald["id"]]
    first = listed["items"][0]
    assert first["headline"] == "Story 3" and first["outlet"] == "the albany HERALD"
    assert first["url"].startswith("https://") and first["summary"]

    # Filters: one outlet whatever its case and spacing; a publication-time window.
    by_outlet = await client.get(
        "/api/v1/news", params={"outlet": "THE ALBANY herald"}, headers=pao
    )
    assert [r["id"] for r in expect(by_outlet, 200, "outlet")["items"]] == [
        herald_2["id"],
        herald["id"],
    ]
    window = {
        "since": (now - timedelta(hours=10)).isoformat(),
        "until": (now - timedelta(hours=3)).isoformat(),
    }
    in_window = await client.get("/api/v1/news", params=window, headers=pao)
    assert [r["id"] for r in expect(in_window, 200, "window")["items"]] == [tribune["id"]]
    outlets = expect(await client.get("/api/v1/news/outlets", headers=pao), 200, "outlets")
    assert outlets["items"] == ["The Albany Herald", "Tribune Online"]

    # Paging by cursor walks the same order without repeating a row.
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = expect(await client.get("/api/v1/news", params=params, headers=pao), 200, "page")
        seen += [r["id"] for r in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == ids

    # Link the SIR; a report public affairs may not read (an OPPRED) is refused, naming
    # the field, and so is an ID of no report at all, in the same words.
    link = f"/api/v1/news/{tribune['id']}/links"
    linked = expect(await client.post(link, json={"report_id": sir["id"]}, headers=pao), 200, "ln")
    assert [r["id"] for r in linked["linked"]] == [sir["id"]]
    assert linked["linked"][0]["title"] == sir["title"]
    refused = await client.post(link, json={"report_id": oppred["id"]}, headers=pao)
    _field_error(refused, 422, "report_id", "Related report")
    missing = await client.post(link, json={"report_id": "SIR-2026-999999"}, headers=pao)
    assert missing.json()["errors"][0]["message"] == refused.json()["errors"][0]["message"]
    again = await client.post(link, json={"report_id": sir["id"]}, headers=pao)
    _field_error(again, 422, "report_id", "Related report")
    itself = await client.post(link, json={"report_id": herald["id"]}, headers=pao)
    _field_error(itself, 422, "report_id", "Related report")

    # The report's coverage: public affairs and HQ read both; the SIR's author reads no
    # NEWS, so sees none; a reader of neither gets 404 for the report.
    def coverage(headers: dict[str, str]) -> Any:
        return client.get(f"/api/v1/reports/{sir['id']}/news", headers=headers)

    assert [s["id"] for s in expect(await coverage(pao), 200, "pao")["items"]] == [tribune["id"]]
    assert [s["id"] for s in expect(await coverage(hq), 200, "hq")["items"]] == [tribune["id"]]
    assert expect(await coverage(agent), 200, "author")["items"] == []
    assert (await coverage(isso)).status_code == 404

    # Unlink; a second unlink finds nothing to remove.
    unlink = f"/api/v1/news/{tribune['id']}/links/{sir['id']}"
    assert expect(await client.delete(unlink, headers=pao), 200, "unlink")["linked"] == []
    assert (await client.delete(unlink, headers=pao)).status_code == 404
    assert expect(await coverage(pao), 200, "after")["items"] == []

    # Everything above is in the audit log, refusals included.
    audit = expect(
        await client.get("/api/v1/audit", params={"action": "news.", "limit": 500}, headers=isso),
        200,
        "audit",
    )["items"]
    outcomes = [(r["action"], r["outcome"]) for r in audit if r["object_id"] == tribune["id"]]
    assert ("news.link", "success") in outcomes
    assert ("news.link", "denied") in outcomes
    assert ("news.unlink", "success") in outcomes
    assert ("news.unlink", "denied") in outcomes
    lists = [r for r in audit if r["action"] == "news.list"]
    assert {"outlet"} in [set(r["details"]["filters"]) for r in lists]
    # What was typed into a filter is not repeated in the log; what was shown is.
    assert not any("albany" in json.dumps(r["details"]).lower() for r in audit)
    assert any(tribune["id"] in r["details"]["shown"] for r in lists)
    report_news = await client.get("/api/v1/audit", params={"action": "report.news"}, headers=isso)
    assert len(expect(report_news, 200, "audit")["items"]) >= 4


async def test_bad_news_requests_are_refused_naming_the_parameter(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    pao = await login(client, "pao")
    now = clock.moment

    async def refused(params: dict[str, Any]) -> tuple[int, list[str]]:
        response = await client.get("/api/v1/news", params=params, headers=pao)
        body = response.json()
        return response.status_code, [e["field"] for e in body.get("errors", [])]

    reversed_range = {"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()}
    assert await refused(reversed_range) == (422, ["until"])
    assert await refused({"since": "yesterday"}) == (422, ["since"])
    assert await refused({"until": "9999-01-01T00:00:00Z"}) == (422, ["until"])
    assert await refused({"cursor": "not-a-cursor"}) == (422, ["cursor"])
    status, _ = await refused({"limit": 0})
    assert 400 <= status < 500
    # A story that does not exist, a malformed story ID, a body that is not the schema.
    assert (await client.get("/api/v1/news/NEWS-2026-999999", headers=pao)).status_code == 404
    assert (await client.get("/api/v1/news/SIR-1", headers=pao)).status_code in (400, 404, 422)
    story = await _story(client, pao, now, 9, "Gazette", hours_ago=1)
    link = f"/api/v1/news/{story['id']}/links"
    bad_id = await client.post(link, json={"report_id": "Jane Doe"}, headers=pao)
    _field_error(bad_id, 422, "report_id", "Related report")
    assert "Jane" not in bad_id.text
    extra = await client.post(link, json={"report_id": "SIR-2026-000001", "x": 1}, headers=pao)
    assert 400 <= extra.status_code < 500
