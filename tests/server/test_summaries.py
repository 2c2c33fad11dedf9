"""IROC summaries end to end in-process, on SQLite and PostgreSQL where the SQL differs
(SPEC §5, issue 11): a watch officer picks reports, gets PII-free paragraphs, edits,
picks lists and sends; a real SMTP server on loopback (aiosmtpd, STARTTLS and AUTH
required) receives the email, which the test parses. Delivery goes through the outbox
worker's own ``drain``, so retries and failures are driven by the test's clock."""

import mailbox
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from sqlmodel import select

from sen_server.app import create_app
from sen_server.events.visibility import visible_events
from sen_server.jobs.outbox import drain
from sen_server.jobs.registry import JobRegistry
from sen_server.models import AuditRecord, Event, OutboxMessage, User
from sen_server.principal import Caller, roles_of
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.summaries.delivery import KIND, deliver_summary, maildir_path
from shared.catalogue import get_type
from shared.enums import DEFAULT_MARKING
from shared.fields import FieldKind, FieldSpec
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report
from tests.support.flows import expect, publish
from tests.support.servers import free_port
from tests.support.smtp import SmtpServer

HANDLERS = {KIND: deliver_summary}


class NoWorker(JobRegistry):
    """The app without its background worker: the test drains the outbox itself."""

    async def start(self, runtime: Runtime) -> None:
        return None


def _plant(fields: list[FieldSpec], body: dict[str, Any], canaries: list[str], tag: str) -> None:
    """Every PII text of ``body`` (at any depth) becomes a unique canary."""
    for spec in fields:
        value = body.get(spec.name)
        if spec.kind is FieldKind.GROUP and isinstance(value, dict):
            _plant(spec.fields or [], value, canaries, tag)
        elif spec.kind is FieldKind.LIST and isinstance(value, list):
            for entry in value:
                _plant(spec.fields or [], entry, canaries, tag)
        elif spec.pii and spec.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
            canary = f"Canary{tag}{len(canaries)}Zq"
            body[spec.name] = canary
            canaries.append(canary)
        elif spec.pii and spec.kind is FieldKind.A_NUMBER:
            canary = f"A9{len(canaries):02d}{tag[:1] and '4'}71135"[:9]
            body[spec.name] = canary
            canaries.append(canary)


async def _report(
    client: Any,
    author: dict[str, str],
    kind: str,
    clock: FakeClock,
    canaries: list[str],
    reviewer: dict[str, str] | None = None,
    case: str | None = None,
) -> dict[str, Any]:
    payload = complete_report(kind, now=clock(), seed=len(canaries), case_number=case)
    _plant(get_type(kind).fields, payload["body"], canaries, kind)
    payload["title"] = f"Title canary {kind} Qx{len(canaries)}"  # free text: never copied
    canaries.append(payload["title"])
    draft = expect(await client.post("/api/v1/reports", json=payload, headers=author), 201, kind)
    return await publish(client, author, draft, reviewer)


@pytest.fixture
def smtp(tmp_path: Path) -> Any:
    server = SmtpServer(tmp_path, free_port()).start()
    yield server
    server.stop()


def _with_smtp(settings: ServerSettings, smtp: SmtpServer) -> ServerSettings:
    values = {**smtp.settings(), "smtp_password": SecretStr(smtp.settings()["smtp_password"])}
    return settings.model_copy(update=values)


@pytest.fixture
async def app_client(
    demo_settings: ServerSettings, clock: FakeClock, smtp: SmtpServer
) -> AsyncIterator[tuple[AsyncTestClient[Any], Runtime]]:
    # No background worker: the test drains the outbox itself, on its own clock.
    settings = _with_smtp(demo_settings, smtp)
    app = create_app(settings, clock=clock, jobs=NoWorker())
    # The worker's own runtime, on the test's event loop (the test client runs the app on
    # a loop of its own, and asyncpg connections belong to the loop that opened them).
    worker = Runtime.build(settings, clock)
    async with AsyncTestClient(app=app) as client:
        yield client, worker
    await worker.engine.dispose()


async def test_a_summary_reaches_the_smtp_server_marked_cited_and_without_pii(
    app_client: tuple[AsyncTestClient[Any], Runtime], clock: FakeClock, smtp: SmtpServer
) -> None:
    client, runtime = app_client
    agent, sup = await login(client, "agent.nyc"), await login(client, "sup.nyc")
    iroc = await login(client, "iroc.watch")
    canaries: list[str] = []
    sir = await _report(client, agent, "SIR", clock, canaries, case="HSI-NY-26-0101")
    spot = await _report(client, agent, "SPOT", clock, canaries, case="HSI-NY-26-0102")
    spear = await _report(client, agent, "SPEAR", clock, canaries, sup, case="HSI-NY-26-0103")

    picked = expect(await client.get("/api/v1/summaries/candidates", headers=iroc), 200, "pick")
    offered = {c["id"]: c for c in picked["items"]}
    assert offered[sir["id"]]["default"] and offered[spot["id"]]["default"]
    assert not offered[spear["id"]]["default"] and offered[spear["id"]]["needs_confirmation"]
    lists = expect(await client.get("/api/v1/summaries/lists", headers=iroc), 200, "lists")
    by_name = {row["name"]: row["id"] for row in lists["items"]}
    chosen = [by_name["HSI leadership"], by_name["Front office"]]

    ids = [sir["id"], spot["id"], spear["id"]]
    refused = await client.post(
        "/api/v1/summaries", json={"report_ids": ids, "list_ids": chosen}, headers=iroc
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "spear_confirmed"
    draft = expect(
        await client.post(
            "/api/v1/summaries",
            json={"report_ids": ids, "spear_confirmed": [spear["id"]], "list_ids": chosen},
            headers=iroc,
        ),
        201,
        "create summary",
    )
    assert draft["state"] == "draft" and draft["delivery"] == "draft"
    prefilled = " ".join(p["text"] for p in draft["paragraphs"])
    assert [p["report_id"] for p in draft["paragraphs"]] == ids
    assert "Category:" in prefilled and sir["body"]["category"].replace("_", " ") in prefilled
    assert not [c for c in canaries if c in prefilled]

    edited = [dict(p) for p in draft["paragraphs"]]
    edited[0]["text"] += " Two arrests, no injuries to officers."
    draft = expect(
        await client.patch(
            f"/api/v1/summaries/{draft['id']}",
            json={"base_revision": draft["revision"], "paragraphs": edited},
            headers=iroc,
        ),
        200,
        "edit",
    )
    sent = expect(
        await client.post(
            f"/api/v1/summaries/{draft['id']}/send",
            json={"base_revision": draft["revision"]},
            headers=iroc,
        ),
        200,
        "send",
    )
    assert sent["state"] == "sent" and sent["delivery"] == "queued"
    assert await drain(runtime, HANDLERS) == 1

    [received] = smtp.handler.received
    assert smtp.handler.auth_tls == [True]  # authenticated, and only after STARTTLS
    expected_to = {"hsi.ead@example.gov", "hsi.deputy@example.gov"}
    expected_to |= {"director@example.gov", "chief.of.staff@example.gov"}
    assert set(received.envelope_to) == expected_to
    message = received.message
    assert DEFAULT_MARKING in message["Subject"]
    assert message["Message-ID"] == sent["message_id"]
    text = message.get_content().replace("\r\n", "\n")
    lines = text.strip().splitlines()
    assert lines[0] == DEFAULT_MARKING and lines[-1] == DEFAULT_MARKING
    for report in (sir, spot, spear):
        assert report["id"] in text and report["case_number"] in text
    assert "Two arrests, no injuries to officers." in text
    assert text == sent["preview"]  # the preview is the email, word for word
    raw = received.raw.decode("utf-8", "replace")
    assert not [c for c in canaries if c in raw]

    # The record: delivered, immutable; the reports show they were summarised.
    listed = expect(await client.get("/api/v1/summaries", headers=iroc), 200, "list")
    [item] = listed["items"]
    assert (item["id"], item["delivery"], item["recipients"]) == (sent["id"], "delivered", 4)
    again = await client.patch(
        f"/api/v1/summaries/{sent['id']}",
        json={"base_revision": sent["revision"], "list_ids": chosen},
        headers=iroc,
    )
    assert again.status_code == 409
    detail = expect(await client.get(f"/api/v1/reports/{sir['id']}", headers=iroc), 200, "sir")
    assert detail["summary_id"] == sent["id"]
    rows = expect(await client.get("/api/v1/queues/iroc", headers=iroc), 200, "queue")["items"]
    marks = {r["id"]: (r["summarised"], r["summary_id"]) for r in rows}
    assert marks[sir["id"]] == (True, sent["id"])

    # summary.sent reaches IROC users only (events.visibility, as every stream filters).
    async with runtime.sessions() as session:
        [event] = (await session.exec(select(Event).where(Event.kind == "summary.sent"))).all()
        assert event.object_id == str(sent["id"])
        for username in ("iroc.watch", "agent.nyc", "sac.nyc", "admin"):
            user = (await session.exec(select(User).where(User.username == username))).one()
            reader = Caller(user=user, auth=None, roles=roles_of(user), source=None)  # type: ignore[arg-type]
            shown = await visible_events(session, reader, [event])
            assert bool(shown) == (username == "iroc.watch"), username

    # Audit: create, edit, send and the delivery attempt; no report content in details.
    async with runtime.sessions() as session:
        records = (await session.exec(select(AuditRecord))).all()
    actions = [r.action for r in records]
    for action in ("summary.create", "summary.update", "summary.send", "outbox.delivery"):
        assert action in actions
    details = " ".join(str(r.details) for r in records if r.action.startswith("summary."))
    assert "Two arrests" not in details and not [c for c in canaries if c in details]


async def test_smtp_down_then_up_delivers_once_and_a_5xx_fails_with_the_reply(
    sqlite_settings: ServerSettings, clock: FakeClock, tmp_path: Path
) -> None:
    """Retry and failure are the outbox's (one SQL path): SQLite only."""
    from tests.support.demo import seed_demo

    await seed_demo(sqlite_settings)
    port = free_port()
    smtp = SmtpServer(tmp_path, port)  # not started yet: the mail server is down
    app = create_app(_with_smtp(sqlite_settings, smtp), clock=clock, jobs=NoWorker())
    async with AsyncTestClient(app=app) as client:
        runtime: Runtime = app.state.runtime
        agent, iroc = await login(client, "agent.nyc"), await login(client, "iroc.watch")
        sir = await _report(client, agent, "SIR", clock, [], case="HSI-NY-26-0201")
        lists = expect(await client.get("/api/v1/summaries/lists", headers=iroc), 200, "l")
        first_list = lists["items"][0]["id"]

        async def send() -> dict[str, Any]:
            draft = expect(
                await client.post(
                    "/api/v1/summaries",
                    json={"report_ids": [sir["id"]], "list_ids": [first_list]},
                    headers=iroc,
                ),
                201,
                "draft",
            )
            return expect(
                await client.post(
                    f"/api/v1/summaries/{draft['id']}/send",
                    json={"base_revision": draft["revision"]},
                    headers=iroc,
                ),
                200,
                "send",
            )

        sent = await send()
        assert await drain(runtime, HANDLERS) == 1  # refused: nobody listens
        view = expect(await client.get(f"/api/v1/summaries/{sent['id']}", headers=iroc), 200, "v")
        assert view["delivery"] == "retrying" and "unreachable" in view["delivery_error"]
        smtp.start()
        try:
            assert await drain(runtime, HANDLERS) == 0  # backoff not over yet
            clock.advance(seconds=31)
            assert await drain(runtime, HANDLERS) == 1
            clock.advance(minutes=20)
            assert await drain(runtime, HANDLERS) == 0
            assert len(smtp.handler.received) == 1
            view = expect(
                await client.get(f"/api/v1/summaries/{sent['id']}", headers=iroc), 200, "v"
            )
            assert view["delivery"] == "delivered"

            # A permanent refusal: failed at once, with the server's reply shown.
            smtp.handler.refuse_with = "554 5.7.1 Relay access denied for this sender"
            refused = await send()
            assert await drain(runtime, HANDLERS) == 1
            view = expect(
                await client.get(f"/api/v1/summaries/{refused['id']}", headers=iroc), 200, "v"
            )
            assert view["delivery"] == "failed"
            assert view["delivery_error"] == "554 5.7.1 Relay access denied for this sender"
            # Retried by hand once the mail server accepts again: delivered, once.
            smtp.handler.refuse_with = None
            expect(
                await client.post(f"/api/v1/summaries/{refused['id']}/retry", headers=iroc),
                200,
                "retry",
            )
            assert await drain(runtime, HANDLERS) == 1
            assert len(smtp.handler.received) == 2
            listed = expect(await client.get("/api/v1/summaries", headers=iroc), 200, "list")
            assert [i["delivery"] for i in listed["items"]] == ["delivered", "delivered"]
        finally:
            smtp.stop()


async def test_without_smtp_the_email_lands_in_the_maildir_once(
    sqlite_settings: ServerSettings, clock: FakeClock
) -> None:
    from tests.support.demo import seed_demo

    await seed_demo(sqlite_settings)
    app = create_app(sqlite_settings, clock=clock, jobs=NoWorker())
    async with AsyncTestClient(app=app) as client:
        runtime: Runtime = app.state.runtime
        agent, iroc = await login(client, "agent.nyc"), await login(client, "iroc.watch")
        sir = await _report(client, agent, "SIR", clock, [], case="HSI-NY-26-0301")
        lists = expect(await client.get("/api/v1/summaries/lists", headers=iroc), 200, "l")
        draft = expect(
            await client.post(
                "/api/v1/summaries",
                json={"report_ids": [sir["id"]], "list_ids": [lists["items"][0]["id"]]},
                headers=iroc,
            ),
            201,
            "draft",
        )
        sent = expect(
            await client.post(
                f"/api/v1/summaries/{draft['id']}/send",
                json={"base_revision": draft["revision"]},
                headers=iroc,
            ),
            200,
            "send",
        )
        assert await drain(runtime, HANDLERS) == 1
        # A repeat (a restart between writing and marking done) writes nothing new.
        await deliver_summary(runtime, {"summary_id": sent["id"]})
    box = mailbox.Maildir(maildir_path(sqlite_settings), create=False)
    [message] = list(box)
    assert message["Message-ID"] == sent["message_id"]
    assert DEFAULT_MARKING in message["Subject"] and sir["id"] in message.get_payload()
    async with runtime.sessions() as session:
        [outbox] = (await session.exec(select(OutboxMessage))).all()
    assert outbox.state == "done"


async def test_bad_input_names_the_field_and_stores_nothing(
    sqlite_settings: ServerSettings, clock: FakeClock
) -> None:
    from tests.support.demo import seed_demo

    await seed_demo(sqlite_settings)
    app = create_app(sqlite_settings, clock=clock, jobs=NoWorker())
    async with AsyncTestClient(app=app) as client:
        agent, sup = await login(client, "agent.nyc"), await login(client, "sup.nyc")
        iroc, admin = await login(client, "iroc.watch"), await login(client, "admin")
        sir = await _report(client, agent, "SIR", clock, [], case="HSI-NY-26-0401")
        spear = await _report(client, agent, "SPEAR", clock, [], sup)
        officer = await login(client, "officer.nyc")
        lead = await _report(client, officer, "ERO_LEAD", clock, [])  # not IROC's to read
        lists = expect(await client.get("/api/v1/summaries/lists", headers=iroc), 200, "l")
        good_list = lists["items"][0]["id"]

        async def refused(body: dict[str, Any]) -> list[str]:
            response = await client.post("/api/v1/summaries", json=body, headers=iroc)
            assert response.status_code in (400, 422), response.text
            return [e["field"] for e in response.json()["errors"]]

        assert await refused({"report_ids": [], "list_ids": [good_list]}) == ["report_ids"]
        assert await refused({"report_ids": [sir["id"]], "list_ids": [9999]}) == ["list_ids.0"]
        assert await refused({"report_ids": [sir["id"], lead["id"]]}) == ["report_ids.1"]
        assert await refused({"report_ids": ["SIR-2026-999999"]}) == ["report_ids.0"]
        assert await refused({"report_ids": [spear["id"]]}) == ["spear_confirmed"]
        # A number the database could not hold is the client's mistake, not a 500.
        assert await refused({"report_ids": [sir["id"]], "list_ids": [2**40]}) == ["list_ids.0"]
        listed = expect(await client.get("/api/v1/summaries", headers=iroc), 200, "list")
        assert listed["items"] == []

        draft = expect(
            await client.post("/api/v1/summaries", json={"report_ids": [sir["id"]]}, headers=iroc),
            201,
            "draft",
        )
        too_long = [{"report_id": sir["id"], "text": "x" * 2001}]
        response = await client.patch(
            f"/api/v1/summaries/{draft['id']}",
            json={"base_revision": draft["revision"], "paragraphs": too_long},
            headers=iroc,
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert (error["field"], error["label"]) == ("paragraphs.0.text", "Paragraph 1")
        # No list chosen: not sent, nothing queued.
        response = await client.post(
            f"/api/v1/summaries/{draft['id']}/send",
            json={"base_revision": draft["revision"]},
            headers=iroc,
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "list_ids"
        view = expect(await client.get(f"/api/v1/summaries/{draft['id']}", headers=iroc), 200, "v")
        assert view["paragraphs"] == draft["paragraphs"] and view["state"] == "draft"
        async with app.state.runtime.sessions() as session:
            assert (await session.exec(select(OutboxMessage))).all() == []

        # Lists: a bad address and a taken name are refused by field; changes are audited.
        bad = await client.post(
            "/api/v1/admin/distribution-lists",
            json={"name": "Watch floor", "addresses": ["ok@example.gov", "not-an-address"]},
            headers=admin,
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "addresses.1"
        taken = await client.post(
            "/api/v1/admin/distribution-lists",
            json={"name": "HSI leadership", "addresses": []},
            headers=admin,
        )
        assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "name"
        made = expect(
            await client.post(
                "/api/v1/admin/distribution-lists",
                json={"name": "Watch floor", "addresses": ["Duty@Example.gov"]},
                headers=admin,
            ),
            201,
            "create list",
        )
        assert made["addresses"] == ["duty@example.gov"]
        path = f"/api/v1/admin/distribution-lists/{made['id']}"
        renamed = expect(
            await client.patch(path, json={"name": "Watch floor (night)"}, headers=admin), 200, "r"
        )
        assert renamed["name"] == "Watch floor (night)"
        expect(await client.post(f"{path}/retire", headers=admin), 200, "retire")
        offered = expect(await client.get("/api/v1/summaries/lists", headers=iroc), 200, "l")
        assert "Watch floor (night)" not in [row["name"] for row in offered["items"]]
        records = expect(
            await client.get(
                "/api/v1/audit", params={"action": "admin.distribution_list"}, headers=admin
            ),
            200,
            "audit",
        )
        actions = {r["action"] for r in records["items"]}
        assert {"admin.distribution_list.create", "admin.distribution_list.retire"} <= actions
