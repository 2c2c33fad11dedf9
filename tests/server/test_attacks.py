"""An outsider's afternoon (issue 10 item 9): what a few lines of curl could do to a running
server, and what it must do instead. Each check is what the attacker, the signed-in users or
the auditor would notice."""

import asyncio
import hashlib
import json
import secrets
import subprocess
import sys
from typing import Any

from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from sen_server.auth.throttle import Limit, limit_of, summarise_windows
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_tui.launcher import server_env
from shared.enums import AuditAction
from tests.support.api import login
from tests.support.clock import FakeClock


def _runtime(client: AsyncTestClient[Any]) -> Runtime:
    runtime: Runtime = client.app.state.runtime
    return runtime


async def _records(client: AsyncTestClient[Any], *actions: str) -> list[AuditRecord]:
    # A runtime of the test's own: the app's engine belongs to the test client's loop.
    runtime = Runtime.build(_runtime(client).settings)
    try:
        async with runtime.sessions() as session:
            statement = select(AuditRecord).where(col(AuditRecord.action).in_(actions))
            return list((await session.exec(statement.order_by(col(AuditRecord.seq)))).all())
    finally:
        await runtime.engine.dispose()


async def test_a_logon_flood_from_one_address_is_refused_with_retry_after(
    client: AsyncTestClient[Any],
) -> None:
    signed_in = await login(client, "agent.nyc")
    limit = limit_of(_runtime(client), Limit.LOGIN)
    answers = [
        await client.post(
            "/api/v1/auth/login", json={"username": "sup.nyc", "password": f"guess-{n}"}
        )
        for n in range(limit + 5)
    ]
    codes = [a.status_code for a in answers]
    # agent.nyc's own logon counted too: the window allowed `limit` logons in all.
    assert codes[: limit - 1] == [401] * (limit - 1)
    assert set(codes[limit - 1 :]) == {429}
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Try again in" in refused.json()["detail"]
    # The refused tries are one record, not one each; the people signed in carry on.
    assert len(await _records(client, AuditAction.RATE_LIMITED)) == 1
    assert (await client.get("/api/v1/me", headers=signed_in)).status_code == 200


async def test_made_up_tokens_cannot_grow_the_audit_log_a_record_each(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    tries = limit_of(_runtime(client), Limit.BAD_TOKEN) + 30
    codes = []
    for _ in range(tries):
        answer = await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secrets.token_urlsafe(24)}"}
        )
        codes.append(answer.status_code)
    limit = limit_of(_runtime(client), Limit.BAD_TOKEN)
    assert codes[:limit] == [401] * limit and set(codes[limit:]) == {429}
    # The first rejection and the first refusal: two records for all those requests.
    assert len(await _records(client, AuditAction.TOKEN_REJECTED, AuditAction.RATE_LIMITED)) == 2

    clock.advance(seconds=61)  # the window closes; its summary says how many tries it saw
    runtime = Runtime.build(_runtime(client).settings, clock)
    try:
        assert await summarise_windows(runtime) == 1
        assert await summarise_windows(runtime) == 0  # once only
    finally:
        await runtime.engine.dispose()
    summaries = [
        r
        for r in await _records(client, AuditAction.TOKEN_REJECTED)
        if r.details.get("summary") == Limit.BAD_TOKEN
    ]
    assert [s.details["tries"] for s in summaries] == [tries]

    again = await client.get("/api/v1/me", headers={"Authorization": "Bearer made-up"})
    assert again.status_code == 401  # a new window


DEEP = "[" * 1000 + "]" * 1000
SIR = {"type": "SIR", "title": "probe"}


def _bad_requests(report_id: str) -> list[tuple[str, str, dict[str, Any], int, str]]:
    """(what, method+path, request kwargs, status, the field the answer must name)."""
    json_type = {"content-type": "application/json"}
    return [
        (
            "deep JSON",
            "POST /api/v1/reports",
            {"content": '{"body":' + DEEP + "}", "headers": json_type},
            400,
            "body",
        ),
        (
            "invalid UTF-8",
            "POST /api/v1/reports",
            {"content": b'{"title":"\xff\xfe"}', "headers": json_type},
            400,
            "body",
        ),
        (
            "text/plain body",
            "POST /api/v1/reports",
            {"content": '{"type":"SIR"}', "headers": {"content-type": "text/plain"}},
            415,
            "Content-Type",
        ),
        (
            "NUL in a title",
            "POST /api/v1/reports",
            {"json": {**SIR, "title": "a\x00b"}},
            422,
            "title",
        ),
        (
            "NUL in a body field",
            "POST /api/v1/reports",
            {"json": {**SIR, "body": {"narrative": "a\x00"}}},
            422,
            "body.narrative",
        ),
        ("NUL in a search", "GET /api/v1/reports?q=a%00b", {}, 422, "q"),
        (
            "version beyond 64 bits",
            f"GET /api/v1/reports/{report_id}/compare?from_version={2**63}&to_version=1",
            {},
            422,
            "from_version",
        ),
        (
            "event id beyond 64 bits",
            "GET /api/v1/events?last_event_id=99999999999999999999",
            {},
            422,
            "last_event_id",
        ),
        (
            "Last-Event-ID beyond 64 bits",
            "GET /api/v1/events",
            {"headers": {"last-event-id": "99999999999999999999"}},
            422,
            "Last-Event-ID",
        ),
        (
            "an SIR in year 9999",
            "POST /api/v1/reports",
            {"json": {**SIR, "event_at": "9999-01-01T00:00:00Z"}},
            422,
            "event_at",
        ),
        (
            "an event in year 0001",
            "POST /api/v1/reports",
            {"json": {**SIR, "event_at": "0001-01-01T00:00:00Z"}},
            422,
            "event_at",
        ),
        (
            "born in 2999",
            "POST /api/v1/reports",
            {
                "json": {
                    **SIR,
                    "body": {"subjects": [{"role": "suspect", "date_of_birth": "2999-01-01"}]},
                }
            },
            422,
            "body.subjects.0.date_of_birth",
        ),
    ]


async def test_client_mistakes_are_4xx_naming_the_field_and_change_nothing(
    client: AsyncTestClient[Any],
) -> None:
    headers = await login(client, "agent.nyc")
    made = await client.post("/api/v1/reports", json=SIR, headers=headers)
    report_id = made.json()["id"]
    for what, target, kwargs, status, field in _bad_requests(report_id):
        method, path = target.split(" ", 1)
        sent = dict(kwargs)
        sent["headers"] = {**headers, **sent.get("headers", {})}
        answer = await client.request(method, path, **sent)
        assert answer.status_code == status, f"{what}: {answer.status_code} {answer.text[:200]}"
        named = [e["field"] for e in answer.json()["errors"]]
        assert field in named, f"{what}: names {named}"
        assert "\x00" not in answer.text and "9999999" not in answer.text, what
    drafts = await client.get("/api/v1/reports?limit=50", headers=headers)
    assert [r["id"] for r in drafts.json()["items"] if r["title"] == "probe"] == [report_id]


async def test_a_logon_with_a_nul_is_refused_at_the_field(client: AsyncTestClient[Any]) -> None:
    answer = await client.post(
        "/api/v1/auth/login", json={"username": "agent\x00.nyc", "password": "whatever-it-is"}
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["username"]


async def test_a_searched_a_number_cannot_be_recovered_from_the_audit_log(
    client: AsyncTestClient[Any],
) -> None:
    """The audit keeps a keyed digest of search terms: the unkeyed hash that let an
    A-number be found by trying them all is gone, and the auditor's command, which has the
    server's key, still tells which searches were for a suspected term."""
    headers = await login(client, "agent.nyc")
    searched = "A123456789"
    assert (await client.get(f"/api/v1/reports?q={searched}", headers=headers)).status_code == 200
    (record,) = [r for r in await _records(client, AuditAction.REPORT_LIST) if r.details["filters"]]
    kept = json.dumps(record.details)
    assert searched.lower() not in kept.lower()
    assert hashlib.sha256(searched.lower().encode()).hexdigest() not in kept

    settings = _runtime(client).settings
    env = server_env(settings.data_dir, settings.database_url, settings.sqlite_synchronous)
    found = await asyncio.to_thread(_match_term, env, searched)
    assert f"record {record.seq}" in found and "1 search(es)" in found
    assert "0 search(es)" in await asyncio.to_thread(_match_term, env, "A987654321")


def _match_term(env: dict[str, str], term: str) -> str:
    """`sen-server audit match-term`, the term typed on standard input."""
    return subprocess.run(
        [sys.executable, "-m", "sen_server.cli", "audit", "match-term"],
        input=f"{term}\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


async def test_what_schemathesis_found_in_ci_is_a_clear_answer(
    client: AsyncTestClient[Any],
) -> None:
    """A body key that is a number, a lone surrogate in text, and filters that no report in
    a queue can meet: each was a 500."""
    headers = await login(client, "agent.nyc")
    numbered = await client.post(
        "/api/v1/reports", json={"type": "OPPRED", "body": {"1": [True]}}, headers=headers
    )
    assert numbered.status_code == 422
    assert [e["field"] for e in numbered.json()["errors"]] == ["body.1"]
    lone = await client.post(
        "/api/v1/reports",
        content='{"type": "SIR", "title": "a\\udb1b"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert lone.status_code in (400, 422), lone.text  # refused as JSON, or at the field
    assert lone.json()["errors"][0]["field"] in ("body", "title")
    empty = await client.get("/api/v1/queues/drafts?status=submitted&limit=193", headers=headers)
    assert empty.status_code == 200 and empty.json()["items"] == []
    assert (await client.get("/api/v1/queues/counts", headers=headers)).status_code == 200
