"""Statistics of intelligence disseminations (SPEC §6, §7), recorded through the real
intelligence API: counted per day, week, month and fiscal year and per channel, on the
UTC day they were made (one minute either side of midnight, on both databases, since the
instants are compared and folded per dialect); the same suppression and CSV export as the
counts of reports; only whole-agency readers get them; report filters are refused naming
the parameter. With canaries in the agency, its address, the purpose, the product title
and the persons: none reaches an answer, a CSV, a log line or an audit detail."""

import csv
import io
import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from sen_server.db import create_engine
from sen_server.demo.certificates import make_recipient
from sen_server.settings import ServerSettings
from tests.server.test_intel_canaries import canary_lead_body
from tests.server.test_privacy_canaries import CLIENT_LOGGERS, leaks
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.flows import expect
from tests.support.intel import add_agency, authorize, lead, product

STATS = "/api/v1/stats"
# The last minutes of FY2026 (Wednesday 30 September 2026) and the first of FY2027.
BEFORE_MIDNIGHT = datetime(2026, 9, 30, 23, 50, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 10, 1, 0, 5, tzinfo=UTC)
TWO_DAYS = {"since": "2026-09-30", "until": "2026-10-01"}


async def disseminate(
    client: Any, analyst: dict[str, str], made: dict[str, Any], agency: int, channel: str
) -> None:
    expect(
        await client.post(
            f"/api/v1/intel/products/{made['id']}/disseminations",
            json={
                "base_revision": made["revision"],
                "agency_id": agency,
                "purpose": "Joint investigation of a smuggling network",
                "channel": channel,
            },
            headers=analyst,
        ),
        201,
        f"disseminate by {channel}",
    )


async def counts(client: Any, headers: dict[str, str], **params: str) -> dict[str, Any]:
    answer = expect(
        await client.get(STATS, params={"group_by": "dissemination", **params}, headers=headers),
        200,
        f"dissemination counts {params}",
    )
    return answer


def table(answer: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(row["label"], row["shown"]) for row in answer["rows"]]


async def test_disseminations_are_counted_per_bucket_and_channel_for_whole_agency_readers(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    clock.moment = BEFORE_MIDNIGHT
    officer, ops1, ops2, admin = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
    ]
    agency, _ = await add_agency(client, admin, clock())
    made = await product(client, ops1, [(await lead(client, officer, clock(), 1))["id"]])
    ready = await authorize(client, ops2, made)
    for channel in ("file", "file", "email"):
        await disseminate(client, ops1, ready, agency["id"], channel)
    clock.moment = AFTER_MIDNIGHT
    await disseminate(client, ops1, ready, agency["id"], "file")

    statistician = await login(client, "stats")
    by_day = await counts(client, statistician, bucket="day", **TWO_DAYS)
    assert by_day["columns"] == ["email", "file"]  # the channels in the contract's order
    assert table(by_day) == [("2026-09-30", ["1", "2"]), ("2026-10-01", ["0", "1"])]
    assert by_day["column_totals"] == [1, 3] and by_day["total"] == 4
    assert by_day["scope"] == "all disseminations"
    by_year = await counts(client, statistician, bucket="fiscal_year", **TWO_DAYS)
    assert table(by_year) == [("FY2026", ["1", "2"]), ("FY2027", ["0", "1"])]
    by_month = await counts(client, statistician, bucket="month", **TWO_DAYS)
    assert table(by_month) == [("2026-09", ["1", "2"]), ("2026-10", ["0", "1"])]
    by_week = await counts(client, statistician, bucket="week", **TWO_DAYS)
    assert table(by_week) == [("2026-W40", ["1", "3"])]
    only_october = await counts(client, statistician, bucket="day", since="2026-10-01")
    assert only_october["total"] == 1  # the range bounds are UTC days, not the server's
    # Report counts do not include them: the same range counts the one lead.
    reports = expect(await client.get(STATS, params=TWO_DAYS, headers=statistician), 200, "r")
    assert reports["total"] == 1

    # Suppressed, every cell here is 1-4: all "<5", and no total gives one back.
    hidden = await counts(client, statistician, bucket="day", suppress="true", **TWO_DAYS)
    assert table(hidden) == [("2026-09-30", ["<5", "<5"]), ("2026-10-01", ["0", "<5"])]
    assert hidden["total"] == 0 and hidden["column_totals"] == [0, 0]

    # The CSV: says what it counts, suppressed by default.
    response = await client.get(
        f"{STATS}/export.csv",
        params={"group_by": "dissemination", "bucket": "fiscal_year", **TWO_DAYS},
        headers=await login(client, "pao"),
    )
    assert response.status_code == 200, response.text
    marking, *lines = response.text.splitlines()
    assert "Counts of disseminations (all disseminations)" in marking
    assert list(csv.reader(io.StringIO("\n".join(lines)))) == [
        ["Fiscal year", "From", "To", "email", "file", "Total"],
        ["FY2026", "2026-09-30", "2026-09-30", "<5", "<5", "0"],
        ["FY2027", "2026-10-01", "2026-10-01", "0", "<5", "0"],
        ["Total", "2026-09-30", "2026-10-01", "0", "0", "0"],
    ]

    # A report filter does not apply to disseminations: refused, naming each parameter.
    for params in ({"type": "SIR"}, {"office": "RAC-LI", "program": "HSI"}, {"aor": "NYC"}):
        refused = await client.get(
            STATS, params={"group_by": "dissemination", **params}, headers=statistician
        )
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == list(params)
        assert "does not apply to disseminations" in refused.text
    typo = await client.get(STATS, params={"group_by": "disseminations"}, headers=statistician)
    assert 400 <= typo.status_code < 500, typo.text
    assert [e["field"] for e in typo.json()["errors"]] == ["group_by"]

    # Scoped readers count their own area's reports, never the agency's disseminations,
    # and their workspace does not offer them.
    for user in ("sac.nyc", "hq.hsi"):
        headers = await login(client, user)
        for url in (STATS, f"{STATS}/export.csv"):
            response = await client.get(url, params={"group_by": "dissemination"}, headers=headers)
            assert response.status_code == 403, f"{user} {url}: {response.text}"
            assert "rows" not in response.text and "file" not in response.text
        me = expect(await client.get("/api/v1/me", headers=headers), 200, "me")
        (space,) = [w for w in me["workspaces"] if w["name"] == "statistics"]
        assert "count_disseminations" not in space["actions"]
    me = expect(await client.get("/api/v1/me", headers=statistician), 200, "me")
    (space,) = [w for w in me["workspaces"] if w["name"] == "statistics"]
    assert "count_disseminations" in space["actions"]


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_no_agency_purpose_product_or_person_text_reaches_the_counts(
    client: AsyncTestClient[Any],
    clock: FakeClock,
    demo_settings: ServerSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # what `sen-server serve` logs
    officer, ops1, ops2, admin = [
        await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
    ]
    now = clock()
    leads = [await lead(client, officer, now, i, canary_lead_body(i, now)) for i in range(2)]
    recipient = make_recipient("CANARY QX7Z Task Force", now)
    agency = expect(
        await client.post(
            "/api/v1/admin/agencies",
            json={
                "name": "CANARY QX7Z Task Force",
                "address": "1 CANARY Plaza, QX7Z City",
                "email": "canary@example.gov",
                "certificate_pem": recipient.certificate_pem,
            },
            headers=admin,
        ),
        201,
        "canary agency",
    )
    made = await product(client, ops1, [x["id"] for x in leads], title="CANARY QX7Z network")
    ready = await authorize(client, ops2, made)
    expect(
        await client.post(
            f"/api/v1/intel/products/{ready['id']}/disseminations",
            json={
                "base_revision": ready["revision"],
                "agency_id": agency["id"],
                "purpose": "CANARY QX7Z: match the subject to the task force's case",
                "channel": "file",
            },
            headers=ops1,
        ),
        201,
        "disseminate",
    )

    answers = []
    for user in ("stats", "pao"):
        headers = await login(client, user)
        for bucket in ("day", "week", "month", "fiscal_year"):
            for url in (STATS, f"{STATS}/export.csv"):
                params = {"group_by": "dissemination", "bucket": bucket, "suppress": "false"}
                response = await client.get(url, params=params, headers=headers)
                assert response.status_code == 200, response.text
                answers.append(response.text)
    assert json.loads(answers[0])["total"] == 1  # the dissemination was counted
    assert not [a for a in answers if leaks(a)]
    server_log = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    assert not [r.getMessage() for r in server_log if leaks(r.getMessage())]
    engine = create_engine(demo_settings)
    async with engine.connect() as conn:
        details = (
            await conn.execute(text("SELECT details FROM audit_record WHERE action LIKE 'stats.%'"))
        ).all()
        accounting = (
            await conn.execute(
                text("SELECT agency_name, agency_address, purpose, product_title FROM disclosure")
            )
        ).all()
        persons = (await conn.execute(text("SELECT a_number, name FROM disclosure_person"))).all()
    await engine.dispose()
    # The canaries are there to be found: in every text column of the accounting.
    assert all(leaks(value) for value in accounting[0]), accounting
    assert persons and leaks(repr(persons))
    assert len(details) == len(answers) and not leaks(repr(details))
