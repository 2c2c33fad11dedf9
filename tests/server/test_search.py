"""Free-text search answers from the server's index, only over what the caller may read."""

from typing import Any

from tests.support.api import login


async def _draft(client: Any, headers: dict[str, str], title: str, narrative: str) -> str:
    response = await client.post(
        "/api/v1/reports",
        json={"type": "SIR", "title": title, "body": {"narrative": narrative}},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _search(client: Any, headers: dict[str, str], q: str) -> set[str]:
    response = await client.get("/api/v1/reports", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_search_finds_titles_and_narratives_by_every_word(client: Any) -> None:
    agent = await login(client, "agent.nyc")
    boat = await _draft(client, agent, "Seizure at the harbour", "A speedboat carrying crates.")
    truck = await _draft(client, agent, "Checkpoint stop", "A truck with hidden crates.")
    assert await _search(client, agent, "crates") == {boat, truck}
    assert await _search(client, agent, "speedboat crates") == {boat}
    assert await _search(client, agent, "harb") == {boat}  # prefix of the last word
    assert await _search(client, agent, "nothing-like-this") == set()
    # Punctuation and quotes in what people type are not query syntax errors.
    assert await _search(client, agent, '"crates" (:') == {boat, truck}


async def test_search_never_reaches_reports_the_caller_may_not_read(client: Any) -> None:
    agent = await login(client, "agent.nyc")
    await _draft(client, agent, "Private draft", "zebracorn sighting")
    other = await login(client, "agent.lax")
    assert await _search(client, other, "zebracorn") == set()
    assert len(await _search(client, agent, "zebracorn")) == 1


async def test_editing_a_draft_updates_the_index(client: Any) -> None:
    agent = await login(client, "agent.nyc")
    report_id = await _draft(client, agent, "Before", "alphaword")
    patched = await client.patch(
        f"/api/v1/reports/{report_id}",
        json={"base_revision": 1, "body": {"narrative": "betaword"}},
        headers=agent,
    )
    assert patched.status_code == 200, patched.text
    assert await _search(client, agent, "alphaword") == set()
    assert await _search(client, agent, "betaword") == {report_id}
    deleted = await client.delete(f"/api/v1/reports/{report_id}?base_revision=2", headers=agent)
    assert deleted.status_code == 204
    assert await _search(client, agent, "betaword") == set()
