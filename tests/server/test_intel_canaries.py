"""Intel products start PII-free (SPEC §6, §13; issue 12 "Canaries"): 100 leads with canary
PII in every PII-tagged field make a product with no put-backs that holds none of them — in
the stored product, in the export's plaintext (decrypted with the recipient's key), in the
events, the audit details and the server's log. A put-back brings exactly one field back,
recorded with its justification."""

import json
import logging
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from sen_server.app import create_app
from sen_server.db import create_engine
from sen_server.settings import ServerSettings
from shared.catalogue import get_type
from tests.server.test_intel import wait_for_file
from tests.server.test_privacy_canaries import CANARY_A_NUMBER, CLIENT_LOGGERS, leaks, plant
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.factories import complete_report
from tests.support.flows import expect
from tests.support.intel import JUSTIFICATION, add_agency, authorize, disseminate, lead, product

LEADS = 100


@pytest.fixture
async def settings(tmp_path: Path, demo_template_sqlite: ServerSettings) -> ServerSettings:
    shutil.copytree(demo_template_sqlite.data_dir, tmp_path / "data")
    return server_settings(tmp_path)


@pytest.fixture
async def client(settings: ServerSettings, clock: FakeClock) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as test_client:
        yield test_client


def canary_lead_body(seed: int, now: datetime) -> dict[str, Any]:
    payload = complete_report("ERO_LEAD", now=now, seed=seed)
    body: dict[str, Any] = payload["body"]
    body["entity"]["kind"] = "person"
    event_day = datetime.fromisoformat(payload["event_at"]).astimezone(UTC).date()
    plant(get_type("ERO_LEAD").fields, body, f"L{seed}", event_day)
    return body


async def table_text(settings: ServerSettings, table: str, column: str = "*") -> str:
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text(f"SELECT {column} FROM {table}"))).all()
    finally:
        await engine.dispose()
    return json.dumps([list(r) for r in rows], default=str)


async def test_a_product_without_put_backs_holds_no_canary(
    client: AsyncTestClient[Any],
    settings: ServerSettings,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    officer, ops1, ops2, admin = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
    ]
    now = clock()
    leads = [await lead(client, officer, now, i, canary_lead_body(i, now)) for i in range(LEADS)]
    ids = [x["id"] for x in leads]
    agency, recipient = await add_agency(client, admin, now)

    made = await product(client, ops1, ids, title="Network overview")
    assert not leaks(json.dumps(made)), "the product as answered holds PII"
    removed = {(r["report_id"], r["field"]) for r in made["removed"]}
    assert {(ids[0], "entity.a_number"), (ids[0], "entity.name"), (ids[0], "narrative")} <= removed
    shown = expect(await client.get(f"/api/v1/intel/products/{made['id']}", headers=ops2), 200, "v")
    assert not leaks(json.dumps(shown))

    ready = await authorize(client, ops2, made)
    sent = expect(await disseminate(client, ops1, ready, agency["id"]), 201, "disseminate")
    assert not leaks(json.dumps({k: v for k, v in sent.items() if k != "persons"}))
    (eml,) = await wait_for_file(settings.data_dir / "exports", sent["export_name"])
    key = serialization.load_pem_private_key(recipient.key_pem.encode(), password=None)
    certificate = x509.load_pem_x509_certificate(recipient.certificate_pem.encode())
    plaintext = pkcs7.pkcs7_decrypt_smime(eml.read_bytes(), certificate, key, [])  # type: ignore[arg-type]
    assert b"Network overview" in plaintext and ids[LEADS - 1].encode() in plaintext
    assert not leaks(plaintext), "the export's plaintext holds PII"

    assert not leaks(await table_text(settings, "intel_product"))
    assert not leaks(await table_text(settings, "event"))
    assert not leaks(await table_text(settings, "audit_record", "details"))
    assert not leaks(await table_text(settings, "outbox", "payload"))
    logged = [
        r.getMessage()
        for r in caplog.records
        if not r.name.startswith(CLIENT_LOGGERS) and leaks(r.getMessage())
    ]
    assert not logged

    # One put-back: that one field comes back, with its justification, and nothing else.
    with_one = await product(
        client,
        ops1,
        ids[:3],
        title="Named subject",
        put_backs=[
            {"report_id": ids[1], "field": "entity.a_number", "justification": JUSTIFICATION}
        ],
    )
    assert with_one["content"][ids[1]]["entity"]["a_number"] == CANARY_A_NUMBER
    assert with_one["put_backs"] == [
        {
            "report_id": ids[1],
            "field": "entity.a_number",
            "label": "Entity · A-number",
            "justification": JUSTIFICATION,
            "by": "intel.ops1",
        }
    ]
    rest = {k: v for k, v in with_one.items() if k not in ("content",)}
    assert not leaks(json.dumps(rest))
    others = {k: v for k, v in with_one["content"].items() if k != ids[1]}
    assert not leaks(json.dumps(others))
    assert not leaks(await table_text(settings, "audit_record", "details"))
