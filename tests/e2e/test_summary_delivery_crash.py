"""Summaries queued when the server is killed (SIGKILL) are delivered exactly once after a
restart (SPEC §5, issue 11): a real `sen-server` sends three summaries while the mail
server is down, is killed, the mail server comes up (aiosmtpd with STARTTLS and AUTH), the
server restarts, and the mail server receives each summary once. The outbox's SQL is the
same on both databases and tests/server/test_outbox.py covers PostgreSQL: SQLite here.
"""

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.demo import seed_demo
from tests.support.factories import complete_report
from tests.support.flows import expect, publish
from tests.support.servers import free_port
from tests.support.smtp import PASSWORD, SmtpServer

SUMMARIES = 3


async def _states(http: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    listed = expect(await http.get("/api/v1/summaries", headers=headers), 200, "list")
    return [item["delivery"] for item in listed["items"]]


async def _wait_for(
    http: httpx.AsyncClient, headers: dict[str, str], state: str, what: str
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60  # a hang guard, not a speed assertion
    while time.monotonic() < deadline:
        if await _states(http, headers) == [state] * SUMMARIES:
            listed = expect(await http.get("/api/v1/summaries", headers=headers), 200, "l")
            return list(listed["items"])
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what}: {await _states(http, headers)}")


async def test_summaries_queued_at_a_sigkill_are_delivered_once_after_restart(
    sqlite_settings: ServerSettings, start_server: Any, tmp_path: Any
) -> None:
    await seed_demo(sqlite_settings)
    smtp = SmtpServer(tmp_path, free_port())  # down until the server has been killed
    # Retries 5 s apart: the kill below falls between attempts, not inside one.
    env = {**smtp.env(), "SEN_OUTBOX_RETRY_SECONDS": "5"}
    server = start_server(sqlite_settings, env=env)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        agent, iroc = await login(http, "agent.nyc"), await login(http, "iroc.watch")
        payload = complete_report("SIR", now=datetime.now(UTC), case_number="HSI-NY-26-0501")
        draft = expect(await http.post("/api/v1/reports", json=payload, headers=agent), 201, "d")
        sir = await publish(http, agent, draft)
        lists = expect(await http.get("/api/v1/summaries/lists", headers=iroc), 200, "lists")
        for _ in range(SUMMARIES):
            made = expect(
                await http.post(
                    "/api/v1/summaries",
                    json={"report_ids": [sir["id"]], "list_ids": [lists["items"][0]["id"]]},
                    headers=iroc,
                ),
                201,
                "draft",
            )
            expect(
                await http.post(
                    f"/api/v1/summaries/{made['id']}/send",
                    json={"base_revision": made["revision"]},
                    headers=iroc,
                ),
                200,
                "send",
            )
        await _wait_for(http, iroc, "retrying", "each tried once while the mail server is down")
    server.stop(kill=True)
    smtp.start()
    try:
        server = start_server(sqlite_settings, port=server.port, env=env)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            iroc = await login(http, "iroc.watch")
            delivered = await _wait_for(http, iroc, "delivered", "delivered after the restart")
            ids = {item["id"] for item in delivered}
            sent = [
                expect(await http.get(f"/api/v1/summaries/{i}", headers=iroc), 200, "v")
                for i in ids
            ]
        message_ids = sorted(str(r.message["Message-ID"]) for r in smtp.handler.received)
        assert message_ids == sorted(s["message_id"] for s in sent)  # each once, none lost
        assert PASSWORD not in server.log_text()  # the SMTP password is never logged
    finally:
        smtp.stop()
