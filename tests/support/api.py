"""Steps through the HTTP API that almost every test starts with."""

from typing import Any

from tests.support.demo import DEMO_PASSWORD


async def login(client: Any, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in, acknowledge the rules, and return the Authorization header.

    ``client`` is the in-process test client or an ``httpx.AsyncClient`` pointed at a real
    server: both take the same calls.
    """
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    if response.json()["must_acknowledge_rules"]:
        ack = await client.post(
            "/api/v1/auth/rules-acknowledgment", json={"version": "2026-1"}, headers=headers
        )
        assert ack.status_code == 200, ack.text
    return headers
