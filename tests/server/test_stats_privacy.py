"""No person-level value can reach a statistics answer (SPEC §7, §13).

From the catalogue's PII tags: every statement the statistics query layer can build reads
only the rollup and an office's code and area, the rollup's columns are envelope columns
and two closed vocabularies, and those two body fields are untagged enums in every type.
Disseminations are counted from two columns of the accounting of disclosures (when, by
which channel), never its agency, purpose, product or persons.
Then with canaries: reports of every type with a canary in every PII field, counted by
every dimension as JSON and CSV; no canary in any answer, log line, audit detail or rollup
row.
"""

import itertools
import logging
from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import Column, text
from sqlalchemy.sql import visitors

from sen_server.db import create_engine
from sen_server.intel.models import DisclosurePerson
from sen_server.settings import ServerSettings
from sen_server.stats.disseminations import disseminations_statement
from sen_server.stats.models import StatsRollup
from sen_server.stats.policy import ALL, StatsScope
from sen_server.stats.query import StatsFilters, counts_statements
from sen_server.stats.rollup import CATEGORY_FIELD, DISPOSITION_FIELD, rollup_key
from shared.catalogue import CATALOGUE
from shared.enums import ReportType
from shared.fields import FieldKind, FieldSpec
from shared.periods import Bucket
from shared.stats import Dimension
from tests.server.test_privacy_canaries import AUTHORS, canary_report, leaks
from tests.support.api import login
from tests.support.clock import FakeClock

FREE_TEXT = {FieldKind.TEXT, FieldKind.LONG_TEXT}
OFFICE_DIRECTORY = {("office", "id"), ("office", "code"), ("office", "aor")}
SCOPES = [
    ALL,
    StatsScope("a", aor="NYC"),
    StatsScope("o", office_id=3),
    StatsScope("p", program="HSI"),
]
FILTERS = [
    StatsFilters(date(2026, 1, 1), date(2026, 12, 31)),
    StatsFilters(date(2026, 1, 1), date(2026, 12, 31), ReportType.SIR, "RAC-LI", "NYC", "HSI"),
    StatsFilters(date(2025, 9, 17), date(2026, 10, 3)),  # partial weeks and months: by day
]


def every_field(fields: list[FieldSpec]) -> list[FieldSpec]:
    out = []
    for f in fields:
        out.append(f)
        out.extend(every_field(f.fields or []))
    return out


CATALOGUE_FIELDS = [f for t in CATALOGUE.types for f in every_field(t.fields)]
PERSONAL = {f.name for f in CATALOGUE_FIELDS if f.pii or f.kind in FREE_TEXT}
REPORT_DIMENSIONS = [d for d in Dimension if d is not Dimension.DISSEMINATION]


def columns_read(statement: Any) -> set[tuple[str, str]]:
    read = set()
    for element in visitors.iterate(statement):
        if isinstance(element, Column) and element.table is not None:
            read.add((element.table.name, element.name))
    return read


def test_the_query_layer_reads_no_personal_or_free_text_field() -> None:
    rollup = {("stats_rollup", c.name) for c in StatsRollup.__table__.columns}  # type: ignore[attr-defined]
    read: set[tuple[str, str]] = set()
    every = itertools.product(REPORT_DIMENSIONS, Bucket, FILTERS, SCOPES)
    for dimension, bucket, filters, scope in every:
        for statement in counts_statements(dimension, bucket, filters, scope):
            read |= columns_read(statement)
    assert {("stats_rollup", "reports"), ("office", "code")} <= read  # it sees what is read
    assert read <= rollup | OFFICE_DIRECTORY, read - rollup - OFFICE_DIRECTORY
    assert not {name for _, name in read} & PERSONAL
    # The rollup's only body values: untagged closed vocabularies wherever they appear.
    for t in CATALOGUE.types:
        for f in every_field(t.fields):
            if f.name in (CATEGORY_FIELD, DISPOSITION_FIELD):
                assert f.kind is FieldKind.ENUM and not f.pii and f.enum, (t.code, f.name)
    assert not {c.name for c in StatsRollup.__table__.columns} & PERSONAL  # type: ignore[attr-defined]


def test_disseminations_are_counted_from_their_day_and_channel_alone() -> None:
    read = columns_read(disseminations_statement(date(2026, 1, 1), date(2026, 12, 31)))
    assert read == {("disclosure", "disclosed_at"), ("disclosure", "channel")}
    # The accounting's person columns share their names with the catalogue's PII fields:
    # the check above would catch one read under its catalogue name.
    persons = {c.name for c in DisclosurePerson.__table__.columns} & PERSONAL  # type: ignore[attr-defined]
    assert persons and not {name for _, name in read} & PERSONAL


def test_a_value_outside_the_vocabulary_never_enters_the_rollup() -> None:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    body = {CATEGORY_FIELD: "CANARY-QX7Z", DISPOSITION_FIELD: "CANARY-QX7Z"}
    for report_type in ("SIR", "LEARA"):
        key = rollup_key(
            {"type": report_type, "program": "HSI", "author_office_id": 1, "status": "draft",
             "late": False, "body": body, "submitted_at": None, "created_at": now}
        )  # fmt: skip
        assert not leaks(repr(key)), key


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_no_canary_in_any_statistics_answer_log_or_audit_detail(
    client: AsyncTestClient[Any],
    clock: FakeClock,
    demo_settings: ServerSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # what `sen-server serve` logs
    heads = {u: await login(client, u) for u in {*AUTHORS.values(), "sup.nyc", "stats", "pao"}}
    for report_type, author in AUTHORS.items():
        payload = canary_report(report_type, clock())
        made = await client.post("/api/v1/reports", json=payload, headers=heads[author])
        assert made.status_code == 201, made.text
        report = made.json()
        step, by = ("request-review", author)
        if report_type not in ("OPPRED", "SPEAR"):
            step = "submit"
        sent = await client.post(
            f"/api/v1/reports/{report['id']}/{step}",
            json={"base_revision": report["revision"]},
            headers=heads[by],
        )
        assert sent.status_code == 200, sent.text
    answers = []
    for user, dimension in itertools.product(("stats", "pao"), Dimension):
        for url in ("/api/v1/stats", "/api/v1/stats/export.csv"):
            response = await client.get(
                url, params={"group_by": dimension.value, "suppress": "false"}, headers=heads[user]
            )
            assert response.status_code == 200, response.text
            answers.append(response.text)
    by_type = await client.get("/api/v1/stats", params={"group_by": "type"}, headers=heads["stats"])
    assert by_type.json()["total"] == len(AUTHORS)  # every canary report was counted
    assert not [a for a in answers if leaks(a)]
    assert not [r.getMessage() for r in caplog.records if leaks(r.getMessage())]
    engine = create_engine(demo_settings)
    async with engine.connect() as conn:
        details = (
            await conn.execute(text("SELECT details FROM audit_record WHERE action LIKE 'stats.%'"))
        ).all()
        rollup = (await conn.execute(text("SELECT * FROM stats_rollup"))).all()
    await engine.dispose()
    assert len(details) == len(answers) + 1  # each answer audited, the by-type one too
    assert not leaks(repr(details)) and not leaks(repr(rollup)) and rollup
