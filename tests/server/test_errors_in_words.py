"""Errors in words (issue 10 item 4): an answer names each field by the label the form
shows, never by the wire's path; the path stays in ``field`` for the client to place it."""

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.api import login


async def test_a_bad_a_number_is_named_by_its_label(client: AsyncTestClient[Any]) -> None:
    headers = await login(client, "agent.nyc")
    answer = await client.post(
        "/api/v1/reports",
        json={"type": "SIR", "title": "x", "body": {"subjects": [{"a_number": "12"}]}},
        headers=headers,
    )
    assert answer.status_code == 422
    body = answer.json()
    [error] = body["errors"]
    assert error["field"] == "body.subjects.0.a_number"
    assert error["label"] == "Subjects 1 · A-number"
    assert "Subjects 1 · A-number" in body["detail"] and "body." not in body["detail"]


async def test_account_fields_read_as_words(client: AsyncTestClient[Any]) -> None:
    headers = await login(client, "agent.nyc")
    answer = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "wrong-password-here", "new_password": "short"},
        headers=headers,
    )
    assert answer.status_code == 422
    labels = {e["label"] for e in answer.json()["errors"]}
    assert labels == {"Current password", "New password"}
    assert "new_password" not in answer.json()["detail"]
