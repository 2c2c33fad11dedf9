"""Intelligence (SPEC §6, issue 12) through the HTTP API: triage, products under the
two-person rule, encrypted disseminations opened by a real outside client (openssl), and the
accounting of disclosures on SQLite and PostgreSQL, surviving the retention of the lead."""

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlmodel import col, func, select

from sen_server.app import create_app
from sen_server.audit.writer import AuditActor
from sen_server.demo.certificates import make_recipient
from sen_server.events.visibility import visible_events
from sen_server.intel.disseminations import disclosures
from sen_server.intel.models import Agency, Disclosure, IntelProduct
from sen_server.models import AuthSession, Event, Report, User
from sen_server.principal import Caller, roles_of
from sen_server.retention.models import RetentionTombstone
from sen_server.retention.package import load_private_key
from sen_server.retention.run import run_retention
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from tests.support.api import login
from tests.support.ci import ON_CI
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.factories import complete_body
from tests.support.flows import create, expect
from tests.support.intel import JUSTIFICATION, add_agency, authorize, disseminate, lead, product

OPENSSL = shutil.which("openssl")


def person_body(seed: int, a_number: str, name: str) -> dict[str, Any]:
    body = complete_body("ERO_LEAD", seed=seed)
    body["entity"].update(kind="person", a_number=a_number, name=name)
    return body


def runtime_of(client: AsyncTestClient[Any]) -> Runtime:
    runtime: Runtime = client.app.state.runtime
    return runtime


@asynccontextmanager
async def own_runtime(client: AsyncTestClient[Any]) -> AsyncIterator[Runtime]:
    """A runtime of the test's own (the app's runs on the test client's event loop, and an
    asyncpg connection belongs to one loop), on the same database and clock."""
    app_runtime = runtime_of(client)
    runtime = Runtime.build(app_runtime.settings, app_runtime.clock)
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def wait_for_file(folder: Path, pattern: str) -> list[Path]:
    """The outbox worker writes the export after the commit: wait for it (bounded)."""
    for _ in range(400):
        found = sorted(await asyncio.to_thread(lambda: list(folder.glob(pattern))))
        if found:
            return found
        await asyncio.sleep(0.025)
    raise AssertionError(f"no {pattern} in {folder}")


@pytest.fixture
async def sqlite_client(
    tmp_path: Path, demo_template_sqlite: ServerSettings, clock: FakeClock
) -> AsyncIterator[AsyncTestClient[Any]]:
    """The demo organisation on SQLite only, for rules that involve no SQL of their own."""
    shutil.copytree(demo_template_sqlite.data_dir, tmp_path / "data")
    async with AsyncTestClient(app=create_app(server_settings(tmp_path), clock=clock)) as client:
        yield client


# ---- the accounting, on both databases ----------------------------------------------


async def test_accounting_per_report_and_person_outlives_the_lead(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    officer, ops1, ops2 = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2")
    ]
    hsi, isso, admin = [await login(client, u) for u in ("hsi.intel", "isso", "admin")]
    now = clock()
    roe = await lead(client, officer, now, 1, person_body(1, "A111111111", "Jane  Roe"))
    doe = await lead(client, officer, now, 2, person_body(2, "A222222222", "John Doe"))
    agency, _ = await add_agency(client, admin, now)

    # Triage: the intel queue counts, hsi_intel sees only what is flagged for HSI.
    for state in ("reviewed", "flagged_for_hsi"):
        expect(
            await client.post(
                f"/api/v1/intel/leads/{roe['id']}/triage",
                json={"state": state, "note": "checked"},
                headers=ops1,
            ),
            200,
            state,
        )
    listed = expect(await client.get("/api/v1/intel/leads", headers=ops1), 200, "leads")
    assert listed["counts"] == {"new": 1, "reviewed": 0, "flagged_for_hsi": 1, "no_action": 0}
    assert {i["report_id"]: i["triage_state"] for i in listed["items"]} == {
        roe["id"]: "flagged_for_hsi",
        doe["id"]: "new",
    }
    seen = expect(await client.get("/api/v1/intel/leads", headers=hsi), 200, "hsi leads")
    assert [i["report_id"] for i in seen["items"]] == [roe["id"]]
    assert seen["counts"]["new"] == 0
    waiting = expect(
        await client.get("/api/v1/intel/leads", params={"state": "new"}, headers=ops1), 200, "new"
    )
    assert [i["report_id"] for i in waiting["items"]] == [doe["id"]]
    history = expect(
        await client.get(f"/api/v1/intel/leads/{roe['id']}/triage", headers=ops1), 200, "history"
    )["items"]
    assert [(h["version"], h["to_state"], h["by"]) for h in history] == [
        (1, "reviewed", "intel.ops1"),
        (2, "flagged_for_hsi", "intel.ops1"),
    ]

    leads = [roe["id"], doe["id"]]
    both = await authorize(client, ops2, await product(client, ops1, leads))
    expect(await disseminate(client, ops1, both, agency["id"]), 201, "first")
    only_roe = await authorize(client, ops1, await product(client, ops2, [roe["id"]]))
    second = expect(await disseminate(client, hsi, only_roe, agency["id"]), 201, "second")
    assert second["persons"] == [
        {"report_id": roe["id"], "a_number": "A111111111", "name": "Jane  Roe"}
    ]
    assert second["agency_address"] == "1 Example Plaza, Springfield"

    async def ask(headers: dict[str, str], **params: str) -> list[tuple[int, list[str]]]:
        found = expect(
            await client.get("/api/v1/disclosures", params=params, headers=headers), 200, "q"
        )
        return [(d["product_id"], d["report_ids"]) for d in found["items"]]

    everything_roe = [(only_roe["id"], [roe["id"]]), (both["id"], [roe["id"], doe["id"]])]
    assert await ask(ops1, a_number="A111111111") == everything_roe
    assert await ask(isso, a_number="a111111111") == everything_roe
    assert await ask(hsi, name="jane roe") == everything_roe
    assert await ask(ops1, a_number="A222222222") == [(both["id"], [roe["id"], doe["id"]])]
    assert await ask(isso, report_id=doe["id"]) == [(both["id"], [roe["id"], doe["id"]])]
    assert await ask(isso, a_number="A333333333") == []
    agent = await login(client, "agent.nyc")
    assert (
        await client.get("/api/v1/disclosures", params={"a_number": "A1"}, headers=agent)
    ).status_code == 403

    # Years later a real retention run destroys both leads (a tombstone stays); the
    # accounting still answers, from its own rows.
    clock.advance(days=365 * 27)
    async with own_runtime(client) as runtime:
        result = await run_retention(
            runtime,
            AuditActor(username="cli:records", roles=("admin",), source="local"),
            as_of=clock().date(),
            records_dir=runtime.settings.data_dir.parent / "records",
            key=load_private_key(runtime.settings.resolved_audit_key_file),
        )
        async with runtime.read_sessions() as session:
            left = (await session.exec(select(Report.id).where(col(Report.id).in_(leads)))).all()
            stones = (
                await session.exec(
                    select(RetentionTombstone.report_id, RetentionTombstone.disposition)
                )
            ).all()
        auditor = await _caller(runtime, "isso")
        async with UnitOfWork(runtime, auditor.actor, read_only=True) as unit:
            kept = await disclosures(unit, None, "A111111111", None, 0, 100)
            by_name = await disclosures(unit, None, None, "jane roe", 0, 100)
            by_report = await disclosures(unit, doe["id"], None, None, 0, 100)
    assert sorted(result.destroyed) == sorted(leads) and left == []
    assert sorted(stones) == sorted((lead_id, "destroyed") for lead_id in leads)
    assert [(d.product_id, d.persons[0].a_number) for d in kept] == [
        (only_roe["id"], "A111111111"),
        (both["id"], "A111111111"),
    ]
    assert [d.product_id for d in by_name] == [only_roe["id"], both["id"]]
    assert [(d.product_id, d.report_ids) for d in by_report] == [
        (both["id"], [roe["id"], doe["id"]])
    ]


async def _caller(runtime: Runtime, username: str) -> Caller:
    async with runtime.read_sessions() as session:
        user = (await session.exec(select(User).where(col(User.username) == username))).one()
    now = runtime.now()
    auth = AuthSession(
        token_hash="-",
        public_id="test",
        user_id=user.id or 0,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=1),
    )
    return Caller(user, auth, roles_of(user), None)


# ---- the export, opened by a real outside client -----------------------------------


@pytest.mark.skipif(
    OPENSSL is None and not ON_CI,
    reason="openssl is not installed (set CI=true to make this fatal)",
)
async def test_the_export_opens_with_the_recipients_key_and_not_another(
    sqlite_client: AsyncTestClient[Any], clock: FakeClock, tmp_path: Path
) -> None:
    client = sqlite_client
    officer, ops1, ops2, admin = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
    ]
    source = await lead(client, officer, clock(), 3)
    agency, recipient = await add_agency(client, admin, clock())
    made = await product(
        client, ops1, [source["id"]], title="Route via northern crossing", marking="SECRET//NOFORN"
    )
    ready = await authorize(client, ops2, made)
    sent = expect(await disseminate(client, ops1, ready, agency["id"]), 201, "file")
    exports = runtime_of(client).settings.data_dir / "exports"
    (eml,) = await wait_for_file(exports, sent["export_name"])
    raw = eml.read_bytes()
    assert b"Subject: [SECRET//NOFORN] SEN intelligence product IP-" in raw
    assert b"Route via northern crossing" not in raw  # nothing readable outside the envelope
    assert oct(eml.stat().st_mode & 0o777) == "0o600"

    key = tmp_path / "agency.key"
    key.write_text(recipient.key_pem)
    opened = await asyncio.to_thread(
        subprocess.run,
        [OPENSSL, "cms", "-decrypt", "-in", str(eml), "-inkey", str(key)],
        capture_output=True,
        check=False,
    )
    assert opened.returncode == 0, opened.stderr
    text = opened.stdout.decode()
    body = text.split("\r\n\r\n", 1)[1].strip().splitlines()
    assert body[0] == "SECRET//NOFORN" and body[-1] == "SECRET//NOFORN"
    assert "Route via northern crossing" in text and source["id"] in text

    stranger = tmp_path / "other.key"
    stranger.write_text(make_recipient("Someone else", clock()).key_pem)
    refused = await asyncio.to_thread(
        subprocess.run,
        [OPENSSL, "cms", "-decrypt", "-in", str(eml), "-inkey", str(stranger)],
        capture_output=True,
        check=False,
    )
    assert refused.returncode != 0
    assert b"Route via northern crossing" not in refused.stdout

    # The e-mail channel: the same encrypted message, in the outgoing Maildir.
    expect(await disseminate(client, ops1, ready, agency["id"], channel="email"), 201, "email")
    (mail,) = await wait_for_file(runtime_of(client).settings.data_dir / "mail" / "new", "*")
    assert b"To: intake@example.gov" in mail.read_bytes()
    assert b"application/pkcs7-mime" in mail.read_bytes()


# ---- the two-person rule --------------------------------------------------------------


async def test_two_person_rule(sqlite_client: AsyncTestClient[Any], clock: FakeClock) -> None:
    client = sqlite_client
    officer, ops1, ops2, hsi, admin = [
        await login(client, u)
        for u in ("officer.nyc", "intel.ops1", "intel.ops2", "hsi.intel", "admin")
    ]
    source = await lead(client, officer, clock(), 4)
    agency, _ = await add_agency(client, admin, clock())
    made = await product(client, ops1, [source["id"]])
    assert "authorize" not in made["allowed_actions"]

    mine = await client.post(
        f"/api/v1/intel/products/{made['id']}/authorize",
        json={"base_revision": made["revision"]},
        headers=ops1,
    )
    assert mine.status_code == 403 and mine.json()["reason"] == "two_person_rule"
    early = await disseminate(client, ops1, made, agency["id"])
    assert early.status_code == 409 and early.json()["reason"] == "not_authorized"
    by_hsi = await client.post(
        f"/api/v1/intel/products/{made['id']}/authorize",
        json={"base_revision": made["revision"]},
        headers=hsi,
    )
    assert by_hsi.status_code == 403

    ready = await authorize(client, ops2, made)
    assert (ready["status"], ready["authorized_by"]) == ("authorized", "intel.ops2")
    edited = expect(
        await client.patch(
            f"/api/v1/intel/products/{made['id']}",
            json={"base_revision": ready["revision"], "caveats": "Not for further release."},
            headers=ops1,
        ),
        200,
        "edit",
    )
    assert (edited["status"], edited["authorized_by"]) == ("draft", None)
    voided = await disseminate(client, ops1, edited, agency["id"])
    assert voided.status_code == 409 and voided.json()["reason"] == "not_authorized"
    stale = await disseminate(client, ops1, {**ready}, agency["id"])
    assert stale.status_code == 409
    again = await authorize(client, ops2, edited)
    expect(await disseminate(client, hsi, again, agency["id"]), 201, "after re-authorization")
    async with own_runtime(client) as runtime, runtime.read_sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Disclosure))).one() == 1


# ---- bad input: 4xx naming the field, nothing stored, nothing exported -----------------


async def _counts(runtime: Runtime) -> tuple[int, int, int]:
    async with runtime.read_sessions() as session:
        return (
            (await session.exec(select(func.count()).select_from(IntelProduct))).one(),
            (await session.exec(select(func.count()).select_from(Agency))).one(),
            (await session.exec(select(func.count()).select_from(Disclosure))).one(),
        )


def _fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.text
    return {e["field"] for e in response.json()["errors"]}


async def test_bad_input_names_the_field_and_changes_nothing(
    sqlite_client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    client = sqlite_client
    runtime = runtime_of(client)
    officer, ops1, ops2, admin = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
    ]
    now = clock()
    source = await lead(client, officer, now, 5)
    draft_lead = await create(client, officer, "ERO_LEAD", now, seed=6)
    sir = await create(client, officer, "SIR", now, seed=7)
    short_lived = make_recipient("Short lived", now, valid_days=1)
    agency, _ = await add_agency(client, admin, now)
    expiring = expect(
        await client.post(
            "/api/v1/admin/agencies",
            json={
                "name": "Expiring",
                "address": "x",
                "certificate_pem": short_lived.certificate_pem,
            },
            headers=admin,
        ),
        201,
        "expiring agency",
    )
    before = await _counts(runtime)

    def agency_with(pem: str, name: str = "Refused") -> dict[str, Any]:
        return {"name": name, "address": "1 Road", "certificate_pem": pem}

    for pem, words in (
        (make_recipient("Old", now, expired=True).certificate_pem, "expired"),
        (
            make_recipient("Signing only", now, encryption=False).certificate_pem,
            "not for encryption",
        ),
        (make_recipient("EC key", now, rsa_key=False).certificate_pem, "RSA"),
        ("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----", "PEM"),
    ):
        refused = await client.post("/api/v1/admin/agencies", json=agency_with(pem), headers=admin)
        assert _fields(refused) == {"certificate_pem"}
        assert words in refused.json()["errors"][0]["message"]
        assert "Certificate" in refused.json()["detail"]

    for lead_ids in ([draft_lead["id"]], [sir["id"]], ["ERO_LEAD-2026-999999"]):
        refused = await client.post(
            "/api/v1/intel/products", json={"lead_ids": lead_ids, "title": "T"}, headers=ops1
        )
        assert _fields(refused) == {"lead_ids.0"}
    for justification in ("", "because"):
        refused = await client.post(
            "/api/v1/intel/products",
            json={
                "lead_ids": [source["id"]],
                "title": "T",
                "put_backs": [
                    {
                        "report_id": source["id"],
                        "field": "entity.name",
                        "justification": justification,
                    }
                ],
            },
            headers=ops1,
        )
        assert _fields(refused) == {"put_backs.0.justification"}
        assert "Put-backs 1 · Justification" in refused.json()["detail"]
    not_removed = await client.post(
        "/api/v1/intel/products",
        json={
            "lead_ids": [source["id"]],
            "title": "T",
            "put_backs": [
                {"report_id": source["id"], "field": "source", "justification": JUSTIFICATION}
            ],
        },
        headers=ops1,
    )
    assert _fields(not_removed) == {"put_backs.0.field"}
    assert await _counts(runtime) == before

    ready = await authorize(client, ops2, await product(client, ops1, [source["id"]]))
    before = await _counts(runtime)
    assert _fields(await disseminate(client, ops1, ready, 999_999)) == {"agency_id"}
    clock.advance(days=2)  # the short-lived certificate has expired since it was added
    ops1 = await login(client, "intel.ops1")
    gone = await disseminate(client, ops1, ready, expiring["id"])
    assert _fields(gone) == {"agency_id"} and "expired" in gone.json()["errors"][0]["message"]
    no_purpose = await client.post(
        f"/api/v1/intel/products/{ready['id']}/disseminations",
        json={"base_revision": ready["revision"], "agency_id": agency["id"], "channel": "file"},
        headers=ops1,
    )
    assert _fields(no_purpose) == {"purpose"}
    assert await _counts(runtime) == before
    assert not (runtime.settings.data_dir / "exports").exists()


# ---- triage moves and who hears of them ------------------------------------------------


async def test_triage_moves_and_its_events_reach_intel_users_only(
    sqlite_client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    client = sqlite_client
    officer, ops1 = [await login(client, u) for u in ("officer.nyc", "intel.ops1")]
    source = await lead(client, officer, clock(), 8)
    path = f"/api/v1/intel/leads/{source['id']}/triage"
    skipped = await client.post(path, json={"state": "flagged_for_hsi"}, headers=ops1)
    assert skipped.status_code == 409 and "reviewed" in skipped.json()["detail"]
    bad = await client.post(path, json={"state": "archived"}, headers=ops1)
    assert bad.status_code in (400, 422) and "state" in bad.text
    expect(await client.post(path, json={"state": "reviewed"}, headers=ops1), 200, "reviewed")
    expect(await client.post(path, json={"state": "flagged_for_hsi"}, headers=ops1), 200, "flag")
    finished = await client.post(path, json={"state": "no_action"}, headers=ops1)
    assert finished.status_code == 409

    async with own_runtime(client) as runtime, runtime.read_sessions() as session:
        events = list(
            (await session.exec(select(Event).where(col(Event.object_type) == "intel_lead"))).all()
        )
        assert [e.kind for e in events] == ["lead.triaged", "lead.flagged_for_hsi"]
        seen = {}
        for username in ("intel.ops2", "hsi.intel", "officer.nyc", "fig.nyc", "iroc.watch", "isso"):
            caller = await _caller(runtime, username)
            seen[username] = [e.kind for e in await visible_events(session, caller, events)]
    assert seen == {
        "intel.ops2": ["lead.triaged", "lead.flagged_for_hsi"],
        "hsi.intel": ["lead.flagged_for_hsi"],
        "officer.nyc": [],
        "fig.nyc": [],
        "iroc.watch": [],
        "isso": [],
    }
