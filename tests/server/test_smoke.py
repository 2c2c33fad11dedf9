"""The basics a user notices first: the server answers, login works, a draft is saved."""

from typing import Any

from tests.support.api import login


async def test_health_and_openapi(client: Any) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/reports" in schema["paths"]


async def test_agent_saves_a_draft_and_reads_it_back(client: Any) -> None:
    headers = await login(client, "agent.nyc")
    created = await client.post(
        "/api/v1/reports",
        json={"type": "SIR", "title": "Arrest at JFK", "body": {"category": "arrest"}},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["id"].startswith("SIR-") and report["status"] == "draft"
    fetched = await client.get(f"/api/v1/reports/{report['id']}", headers=headers)
    assert fetched.json()["body"]["category"] == "arrest"
    assert fetched.json()["marking"] == "LAW ENFORCEMENT SENSITIVE"
