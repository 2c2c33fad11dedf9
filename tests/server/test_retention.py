"""Retention with an injected clock, on SQLite and on PostgreSQL (SPEC §8, issue 14).

One scenario per database, built once: two ERO leads and an ERO TAV carrying a canary word
are past their destroy date, two SIRs are past their transfer date, and a third SIR (with
its own word) is under a legal hold placed through the API. The canary is copied where
other domains keep report words: a triage note, an intel product (a put-back narrative)
disseminated to an agency, and the paragraphs of a sent IROC summary citing the TAV and a
SIR. The run is interrupted twice (after a destroy, and after its transfer package is
written and one SIR removed) and run again to the end, then once more. The tests then look
for the canary everywhere, and ask the accounting of disclosures about the destroyed lead.
"""

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from sen_server.app import create_app
from sen_server.audit.verify import verify_chain
from sen_server.audit.writer import AuditActor
from sen_server.models import AuditRecord, Report
from sen_server.retention.models import RetentionTombstone
from sen_server.retention.package import load_private_key, load_public_key, verify_package
from sen_server.retention.plan import plan
from sen_server.retention.run import RunResult, dry_run, run_retention
from sen_server.retention.steps import REMOVED_TEXT
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from shared.catalogue import get_type
from shared.fields import FieldKind, FieldSpec
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import (
    create_pg_database,
    drop_pg_database,
    pg_url,
    server_settings,
)
from tests.support.factories import complete_report
from tests.support.flows import expect
from tests.support.intel import JUSTIFICATION, add_agency, authorize, disseminate, product
from tests.support.retention import file_bytes, table_texts, tables_holding

DOOMED_WORD = "QQZVDSTR"  # in the reports to destroy; found in no other data
HELD_WORD = "HELDKEEPQ"  # in the held report
TRANSFER_WORD = "XFERZQWV"  # in the reports to transfer
PERSON = {"kind": "person", "name": "Jane Roe", "a_number": "A123456789"}  # the accounting's
RUN_DAY = datetime(2060, 6, 1, 12, tzinfo=UTC)  # ERO leads of 2026 are due for destruction
# (cut-off 2027 + 25 = 2052), SIRs for transfer (2027 + 25) but not destruction (+ 75).


OPERATOR = AuditActor(username="cli:records", roles=("admin",), source="local")


class Interrupted(Exception):
    """Stands for an operator's ctrl+c (or a crash) between two steps of a run."""


class StopAt:
    """Progress that interrupts the run after the first step of the phase named ``phase``."""

    def __init__(self, phase: str) -> None:
        self.stop_in, self.current = phase, ""

    def phase(self, name: str, total: int) -> None:
        self.current = name

    def advance(self, done: int) -> None:
        if self.current.startswith(self.stop_in):
            raise Interrupted(self.current)


def plant(fields: list[FieldSpec], body: dict[str, Any], word: str) -> None:
    """``word`` in every narrative (long text) of ``body``, the text the search indexes."""
    for f in fields:
        value = body.get(f.name)
        if f.kind is FieldKind.LONG_TEXT and isinstance(value, str):
            body[f.name] = f"{word} {f.name}"[: f.max_length]
        elif f.kind is FieldKind.GROUP and isinstance(value, dict):
            plant(f.fields or [], value, word)
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for item in value:
                plant(f.fields or [], item, word)


async def publish_with(
    http: Any,
    author: dict[str, str],
    report_type: str,
    word: str,
    seed: int,
    entity: dict[str, str] | None = None,
) -> str:
    now = datetime.now(UTC)
    payload = complete_report(report_type, now=now, seed=seed, title=f"{word} title {seed}")
    plant(get_type(report_type).fields, payload["body"], word)
    if entity:
        payload["body"]["entity"].update(entity)
    draft = expect(await http.post("/api/v1/reports", json=payload, headers=author), 201, "create")
    report = expect(
        await http.post(
            f"/api/v1/reports/{draft['id']}/submit",
            json={"base_revision": draft["revision"]},
            headers=author,
        ),
        200,
        "submit",
    )
    return str(report["id"])


@dataclass
class Scenario:
    settings: ServerSettings
    records: Path
    doomed: list[str]  # the ERO leads, then the ERO TAV
    transferred: list[str]
    held: str
    held_revision: int
    summary_id: int
    product_id: int
    planned: list[tuple[str, str, bool]] = field(default_factory=list)  # the dry run's
    runs: list[RunResult] = field(default_factory=list)
    interruptions: list[str] = field(default_factory=list)


async def build(settings: ServerSettings, records: Path) -> Scenario:
    async with AsyncTestClient(app=create_app(settings)) as http:
        officer = await login(http, "officer.nyc")
        agent = await login(http, "agent.nyc")
        admin = await login(http, "admin")
        doomed = [
            await publish_with(http, officer, "ERO_LEAD", DOOMED_WORD, 1, PERSON),
            await publish_with(http, officer, "ERO_LEAD", DOOMED_WORD, 2),
            await publish_with(http, officer, "ERO_TAV", DOOMED_WORD, 6),
        ]
        transferred = [await publish_with(http, agent, "SIR", TRANSFER_WORD, s) for s in (3, 4)]
        summary_id = await summarise(http, [doomed[2], transferred[0]])
        product_id = await disseminate_lead(http, admin, doomed[0])
        held = await publish_with(http, agent, "SIR", HELD_WORD, 5)
        hold = await http.post(
            "/api/v1/admin/holds",
            json={"report_id": held, "reason": "Litigation hold 2026-17"},
            headers=admin,
        )
        expect(hold, 201, "place hold")
        # The canary is really indexed and readable before the run (else the test is void).
        found = expect(
            await http.get("/api/v1/reports", params={"q": DOOMED_WORD.lower()}, headers=officer),
            200,
            "search",
        )
        assert {r["id"] for r in found["items"]} == set(doomed)
        held_report = expect(await http.get(f"/api/v1/reports/{held}", headers=agent), 200, "held")
    holding = tables_holding(settings, DOOMED_WORD)
    assert {"report_fts", "event", "summary", "intel_product", "intel_triage_change"} <= set(
        holding
    ), holding
    assert "summary" in tables_holding(settings, TRANSFER_WORD)
    return Scenario(
        settings,
        records,
        doomed,
        transferred,
        held,
        held_report["revision"],
        summary_id,
        product_id,
    )


async def summarise(http: Any, report_ids: list[str]) -> int:
    """A sent IROC summary whose paragraphs the watch officer edited to quote each report
    (its canary is in the title the officer copied)."""
    iroc = await login(http, "iroc.watch")
    lists = expect(await http.get("/api/v1/summaries/lists", headers=iroc), 200, "lists")
    chosen = [lists["items"][0]["id"]]
    draft = expect(
        await http.post(
            "/api/v1/summaries", json={"report_ids": report_ids, "list_ids": chosen}, headers=iroc
        ),
        201,
        "create summary",
    )
    titles = {
        rid: expect(await http.get(f"/api/v1/reports/{rid}", headers=iroc), 200, "r")["title"]
        for rid in report_ids
    }
    paragraphs = [
        {**p, "text": f"{p['text']} {titles[p['report_id']]}"} for p in draft["paragraphs"]
    ]
    draft = expect(
        await http.patch(
            f"/api/v1/summaries/{draft['id']}",
            json={"base_revision": draft["revision"], "paragraphs": paragraphs},
            headers=iroc,
        ),
        200,
        "edit summary",
    )
    sent = expect(
        await http.post(
            f"/api/v1/summaries/{draft['id']}/send",
            json={"base_revision": draft["revision"]},
            headers=iroc,
        ),
        200,
        "send summary",
    )
    return int(sent["id"])


async def disseminate_lead(http: Any, admin: dict[str, str], lead_id: str) -> int:
    """The lead triaged with a note quoting it, written into a product that puts its
    narrative back, authorized by a second analyst and disseminated to an agency."""
    ops1, ops2 = await login(http, "intel.ops1"), await login(http, "intel.ops2")
    triage = await http.post(
        f"/api/v1/intel/leads/{lead_id}/triage",
        json={"state": "reviewed", "note": f"Matches {DOOMED_WORD} pattern"},
        headers=ops1,
    )
    expect(triage, 200, "triage")
    put_back = {"report_id": lead_id, "field": "narrative", "justification": JUSTIFICATION}
    made = await product(http, ops1, [lead_id], put_backs=[put_back])
    assert DOOMED_WORD in json.dumps(made["content"])  # the put-back carries the canary
    agency, _ = await add_agency(http, admin, datetime.now(UTC))
    authorized = await authorize(http, ops2, made)
    expect(await disseminate(http, ops1, authorized, agency["id"]), 201, "disseminate")
    return int(made["id"])


async def dry(scenario: Scenario) -> None:
    """A dry run: it says what a run would do, and changes nothing in any table."""
    before = table_texts(scenario.settings)
    runtime = Runtime.build(scenario.settings, FakeClock(RUN_DAY))
    try:
        items = await dry_run(runtime, RUN_DAY.date())
    finally:
        await runtime.engine.dispose()
    assert table_texts(scenario.settings) == before
    scenario.planned = [(i.report_id, i.action.value, i.held) for i in items]


async def run(scenario: Scenario, progress: Any = None) -> None:
    runtime = Runtime.build(scenario.settings, FakeClock(RUN_DAY))
    try:
        result = await run_retention(
            runtime,
            OPERATOR,
            as_of=RUN_DAY.date(),
            records_dir=scenario.records,
            key=load_private_key(scenario.settings.resolved_audit_key_file),
            progress=progress,
            batch_size=1,
        )
        scenario.runs.append(result)
    except Interrupted as stopped:
        scenario.interruptions.append(str(stopped))
    finally:
        await runtime.engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def retention_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_template_sqlite: ServerSettings,
) -> Iterator[ServerSettings]:
    """A copy of the demo organisation (no reports) on the database of the parameter."""
    tmp = tmp_path_factory.mktemp(f"retention-{request.param}")
    shutil.copytree(demo_template_sqlite.data_dir, tmp / "data")
    if request.param == "sqlite":
        yield server_settings(tmp)
        return
    database = create_pg_database(template=request.getfixturevalue("demo_template_pg"))
    try:
        yield server_settings(tmp, pg_url(database))
    finally:
        drop_pg_database(database)


@pytest.fixture(scope="module")
async def scenario(retention_settings: ServerSettings) -> Scenario:
    built = await build(retention_settings, retention_settings.data_dir.parent / "records")
    await dry(built)
    await run(built, StopAt("destroying"))
    await run(built, StopAt("transferring"))
    await run(built)
    await run(built)  # a run with nothing left to do
    return built


async def test_runs_were_interrupted_and_completed_without_duplicates(scenario: Scenario) -> None:
    assert sorted(scenario.planned) == sorted(
        [(i, "destroy", False) for i in scenario.doomed]
        + [(i, "transfer", False) for i in scenario.transferred]
        + [(scenario.held, "transfer", True)]
    )
    assert len(scenario.interruptions) == 2
    done = scenario.runs[0]
    assert done.destroyed == []  # one in the first interrupted run, the rest in the second
    assert sorted(done.transferred) == [scenario.transferred[1]]  # from the package on disk
    assert done.packages == []  # finished the existing package, wrote no second one
    again = scenario.runs[1]
    assert (again.destroyed, again.transferred, again.packages) == ([], [], [])
    assert again.held == [scenario.held]
    runtime = Runtime.build(scenario.settings)
    try:
        async with runtime.read_sessions() as session:
            actions = (
                await session.exec(
                    select(AuditRecord.object_id, AuditRecord.action).where(
                        col(AuditRecord.action).startswith("retention.")
                    )
                )
            ).all()
            tombstones = {
                t.report_id: t for t in (await session.exec(select(RetentionTombstone))).all()
            }
    finally:
        await runtime.engine.dispose()
    expected = [(i, "retention.destroy") for i in scenario.doomed] + [
        (i, "retention.transfer") for i in scenario.transferred
    ]
    assert sorted(actions) == sorted(expected)  # one record each, none twice
    assert set(tombstones) == set(scenario.doomed) | set(scenario.transferred)
    for report_id, report_type in zip(
        scenario.doomed, ["ERO_LEAD", "ERO_LEAD", "ERO_TAV"], strict=True
    ):
        stone = tombstones[report_id]
        assert (stone.report_type, stone.disposition, stone.package) == (
            report_type,
            "destroyed",
            None,
        )
        assert stone.cutoff_date == date(2027, 9, 30)
    packages = [p for p in scenario.records.iterdir()]
    assert len(packages) == 1, packages
    for report_id in scenario.transferred:
        assert tombstones[report_id].disposition == "transferred"
        assert tombstones[report_id].package == packages[0].name


async def test_destroyed_canary_leaves_no_trace_and_the_chain_verifies(scenario: Scenario) -> None:
    settings = scenario.settings
    assert tables_holding(settings, DOOMED_WORD) == []
    # Transferred content left the live store too; the held report's is all there.
    assert tables_holding(settings, TRANSFER_WORD) == []
    assert {"report", "report_version", "report_fts"} <= set(tables_holding(settings, HELD_WORD))
    if settings.is_sqlite:
        data = file_bytes(settings)
        # The tail of the word too: FTS5 stores a term after the prefix it shares with the
        # term before it.
        assert DOOMED_WORD.lower()[2:].encode() not in data
        assert TRANSFER_WORD.lower()[2:].encode() not in data
        assert HELD_WORD.lower().encode() in data  # the grep can find what is there
    runtime = Runtime.build(settings)
    try:
        async with runtime.read_sessions() as session:
            result = await verify_chain(
                session, runtime.signer, checkpoint_every=settings.audit_checkpoint_every
            )
            held = await session.get(Report, scenario.held)
            due = await plan(session, RUN_DAY.date())
    finally:
        await runtime.engine.dispose()
    assert result.ok, result.problem
    assert held is not None and held.revision == scenario.held_revision
    assert [(i.report_id, i.held) for i in due] == [(scenario.held, True)]


async def test_transfer_package_verifies_and_a_changed_record_is_caught(
    scenario: Scenario, tmp_path: Path
) -> None:
    (package,) = scenario.records.iterdir()
    key = load_public_key(scenario.settings.resolved_audit_key_file)
    assert verify_package(package, key) == []
    manifest = json.loads((package / "manifest.json").read_text())
    assert [r["id"] for r in manifest["records"]] == scenario.transferred
    lines = [json.loads(line) for line in (package / "records.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == scenario.transferred
    assert all(TRANSFER_WORD in line["title"] for line in lines)
    assert all(line["versions"] and line["routing"] for line in lines)
    assert oct(package.stat().st_mode & 0o777) == oct(0o700)

    tampered = tmp_path / "tampered"
    shutil.copytree(package, tampered)
    records = tampered / "records.jsonl"
    records.write_text(records.read_text().replace(TRANSFER_WORD, "XFERZQWW", 1))
    problems = verify_package(tampered, key)
    assert any("record 1" in p for p in problems), problems
    other_key = tmp_path / "other.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other_key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert verify_package(package, load_public_key(other_key)) == [
        "the manifest's signature does not verify with this key"
    ]


async def test_summary_and_product_keep_their_citations_and_the_accounting_still_answers(
    scenario: Scenario,
) -> None:
    lead, tav, sir = scenario.doomed[0], scenario.doomed[2], scenario.transferred[0]
    async with AsyncTestClient(app=create_app(scenario.settings)) as http:
        iroc, ops1 = await login(http, "iroc.watch"), await login(http, "intel.ops1")
        isso = await login(http, "isso")
        summary = expect(
            await http.get(f"/api/v1/summaries/{scenario.summary_id}", headers=iroc), 200, "s"
        )
        made = expect(
            await http.get(f"/api/v1/intel/products/{scenario.product_id}", headers=ops1), 200, "p"
        )
        by_person = expect(
            await http.get("/api/v1/disclosures", params={"a_number": "A123456789"}, headers=isso),
            200,
            "by A-number",
        )
        by_report = expect(
            await http.get("/api/v1/disclosures", params={"report_id": lead}, headers=isso),
            200,
            "by report",
        )
    runtime = Runtime.build(scenario.settings)
    try:
        async with runtime.read_sessions() as session:
            records = (
                await session.exec(
                    select(AuditRecord).where(col(AuditRecord.action).startswith("retention."))
                )
            ).all()
    finally:
        await runtime.engine.dispose()
    # The retention record says which other records lost a copy (IDs only).
    copies = {r.object_id: r.details.get("copies_removed_from") for r in records}
    assert copies == {
        lead: [f"intel_product:{scenario.product_id}"],
        scenario.doomed[1]: None,
        tav: [f"summary:{scenario.summary_id}"],
        sir: [f"summary:{scenario.summary_id}"],
        scenario.transferred[1]: None,
    }
    # The sent summary still cites both reports, in order, without their words.
    assert summary["state"] == "sent"
    assert [(p["report_id"], p["text"]) for p in summary["paragraphs"]] == [
        (tav, REMOVED_TEXT),
        (sir, REMOVED_TEXT),
    ]
    # The product names its lead and the field put back, holds none of the lead's words,
    # and must be authorized again before it goes anywhere else.
    assert made["lead_ids"] == [lead] and made["content"] == {lead: {}}
    assert [(p["field"], p["justification"]) for p in made["put_backs"]] == [
        ("narrative", REMOVED_TEXT)
    ]
    assert made["status"] == "draft" and made["authorized_by"] is None
    # The accounting outlives the record (SPEC §6).
    for found in (by_person, by_report):
        [disclosure] = found["items"]
        assert disclosure["product_id"] == scenario.product_id
        assert disclosure["report_ids"] == [lead]
        assert disclosure["persons"] == [
            {"report_id": lead, "a_number": "A123456789", "name": "Jane Roe"}
        ]
