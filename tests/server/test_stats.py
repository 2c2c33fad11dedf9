"""Statistics through the API (SPEC §7) on SQLite and PostgreSQL: counts follow every
report write (create, submit, delete), each reader counts only their scope, small cells are
suppressed without a total giving them back, the CSV export carries the marking, and bad
parameters are refused naming the parameter. The rollup that the migration backfills
agrees with the one the writes maintained."""

import asyncio
import csv
import io
import itertools
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from sen_server.db import create_engine
from sen_server.migrate import alembic_config
from sen_server.settings import ServerSettings
from sen_server.stats.models import Grain
from sen_server.stats.query import grain_ranges
from sen_server.stats.rollup import KEY_NAMES, RollupKey, rollup_rows
from shared.periods import Bucket, periods_between
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report
from tests.support.flows import action, expect

STATS = "/api/v1/stats"


async def sir(
    client: Any, author: dict[str, str], clock: FakeClock, seed: int, category: str, **kw: Any
) -> dict[str, Any]:
    payload = complete_report("SIR", now=clock(), seed=seed, **kw)
    payload["body"]["category"] = category
    return expect(await client.post("/api/v1/reports", json=payload, headers=author), 201, "SIR")


async def stats(client: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    return expect(await client.get(STATS, params=params, headers=headers), 200, f"stats {params}")


def column(answer: dict[str, Any], name: str) -> int | None:
    """The one row's count in column ``name`` (None where suppressed, 0 where absent)."""
    (row,) = answer["rows"]
    if name not in answer["columns"]:
        return 0
    count: int | None = row["counts"][answer["columns"].index(name)]
    return count


async def test_counts_follow_the_reports_within_each_readers_scope(
    client: AsyncTestClient[Any], clock: FakeClock, demo_settings: ServerSettings
) -> None:
    nyc, lax = await login(client, "agent.nyc"), await login(client, "agent.lax")
    for seed in range(6):
        await action(client, nyc, await sir(client, nyc, clock, seed, "seizure"), "submit")
    for seed in range(6, 8):
        await action(client, nyc, await sir(client, nyc, clock, seed, "arrest"), "submit")
    draft = await sir(client, nyc, clock, 8, "arrest")
    await action(client, lax, await sir(client, lax, clock, 9, "arrest"), "submit")
    late_event = (clock() - timedelta(hours=30)).isoformat()
    await action(
        client, nyc, await sir(client, nyc, clock, 10, "escape", event_at=late_event), "submit"
    )
    today = clock().date().isoformat()
    day = {"bucket": "day", "since": today, "until": today}

    statistician = await login(client, "stats")
    by_category = await stats(client, statistician, group_by="category", **day)
    assert by_category["columns"] == ["arrest", "seizure", "escape"]  # the vocabulary's order
    assert by_category["rows"][0]["counts"] == [4, 6, 1]  # the draft counts as written
    assert by_category["total"] == 11 and by_category["scope"] == "all reports"
    by_status = await stats(client, statistician, group_by="status", type="SIR", **day)
    assert dict(zip(by_status["columns"], by_status["rows"][0]["counts"], strict=True)) == {
        "draft": 1,
        "submitted": 10,
    }
    by_lateness = await stats(client, statistician, group_by="late", **day)
    assert dict(zip(by_lateness["columns"], by_lateness["rows"][0]["counts"], strict=True)) == {
        "late": 1,
        "on time": 9,
    }

    # An office manager counts their own area only; an HQ agent their programme.
    nyc_manager = await stats(client, await login(client, "sac.nyc"), group_by="aor", **day)
    assert nyc_manager["columns"] == ["NYC"] and nyc_manager["scope"] == "area NYC"
    assert column(nyc_manager, "NYC") == 10
    lax_manager = await stats(client, await login(client, "sac.lax"), group_by="category", **day)
    assert lax_manager["rows"][0]["counts"] == [1] and lax_manager["columns"] == ["arrest"]
    hq = await stats(client, await login(client, "hq.hsi"), group_by="program", **day)
    assert hq["columns"] == ["HSI"] and hq["scope"] == "programme HSI"
    office = await stats(client, statistician, group_by="type", office="RAC-RIV", **day)
    assert office["rows"][0]["counts"] == [1]

    # Deleting the draft takes it out in the same transaction.
    deleted = await client.delete(
        f"/api/v1/reports/{draft['id']}", params={"base_revision": draft["revision"]}, headers=nyc
    )
    assert deleted.status_code in (200, 204), deleted.text
    by_category = await stats(client, statistician, group_by="category", **day)
    assert by_category["rows"][0]["counts"] == [3, 6, 1]

    # Suppressed: 3 and 1 show as "<5" and add to no total; nothing recovers them.
    hidden = await stats(client, statistician, group_by="category", suppress="true", **day)
    assert hidden["rows"][0]["shown"] == ["<5", "6", "<5"]
    assert hidden["rows"][0]["counts"] == [None, 6, None]
    assert hidden["rows"][0]["total"] == 6 and hidden["column_totals"] == [0, 6, 0]
    assert hidden["total"] == 6 and "3" not in str(hidden["column_totals"])
    month = await stats(client, statistician, group_by="category", suppress="true")
    assert month["total"] == 6  # the month holds the same: no other bucket gives them away

    # The CSV: a marking comment, a header, the suppression applied, totals of shown cells.
    response = await client.get(
        f"{STATS}/export.csv", params={"group_by": "category", **day}, headers=statistician
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("# LAW ENFORCEMENT SENSITIVE") and "<5" in lines[0]
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows[0] == ["Day", "From", "To", "arrest", "seizure", "escape", "Total"]
    assert rows[1] == [today, today, today, "<5", "6", "<5", "6"]
    assert rows[2] == ["Total", today, today, "0", "6", "0", "6"]

    # Migration 0010's backfill, run over the same reports, gives the same rollup.
    engine = create_engine(demo_settings)
    query = text(
        "SELECT grain, start, type, program, office_id, status, category, disposition, late, "
        "reports FROM stats_rollup WHERE reports <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
    )
    async with engine.connect() as conn:
        maintained = [tuple(r) for r in await conn.execute(query)]
    await engine.dispose()
    config = alembic_config(demo_settings)
    # To just before 0010 (whatever it follows once branches are merged), then back up.
    before = ScriptDirectory.from_config(config).get_revision("0010").down_revision
    await asyncio.to_thread(command.downgrade, config, str(before))
    await asyncio.to_thread(command.upgrade, config, "head")
    engine = create_engine(demo_settings)
    async with engine.connect() as conn:
        backfilled = [tuple(r) for r in await conn.execute(query)]
    await engine.dispose()
    assert backfilled == maintained and len(maintained) >= 12  # 4 keys at 3 grains


BAD = [
    ({"group_by": "subject_name"}, "group_by"),
    ({"type": "BOGUS"}, "type"),
    ({"bucket": "decade"}, "bucket"),
    ({"since": "2026-10-02", "until": "2026-10-01"}, "until"),
    ({"since": "1850-01-01", "until": "2026-10-01"}, "since"),
    ({"until": "3000-01-01"}, "until"),
    ({"until": "0001-01-01"}, "until"),
    ({"since": "2026-13-40"}, "since"),
    ({"bucket": "day", "since": "2000-01-01", "until": "2026-01-01"}, "bucket"),
    ({"office": "NOWHERE"}, "office"),
    ({"aor": "ZZZ"}, "aor"),
    ({"program": "FBI"}, "program"),
]


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_bad_parameters_are_refused_naming_them(client: AsyncTestClient[Any]) -> None:
    statistician = await login(client, "stats")
    for params, name in BAD:
        for url in (STATS, f"{STATS}/export.csv"):
            response = await client.get(url, params=params, headers=statistician)
            assert 400 <= response.status_code < 500, f"{params}: {response.status_code}"
            fields = [e["field"] for e in response.json()["errors"]]
            assert fields == [name], f"{params}: {response.text}"


def covered_days(grain: Grain, first: date, last: date) -> list[date]:
    bucket = {Grain.DAY: Bucket.DAY, Grain.WEEK: Bucket.WEEK, Grain.MONTH: Bucket.MONTH}[grain]
    days = []
    for period in periods_between(first, last, bucket):
        days += [
            period.start + timedelta(days=n) for n in range((period.end - period.start).days + 1)
        ]
    return days


@pytest.mark.parametrize("bucket", list(Bucket))
def test_whole_weeks_and_months_and_their_edges_cover_a_range_once(bucket: Bucket) -> None:
    ends = [date(2024, 2, 26), date(2024, 2, 29), date(2024, 3, 1), date(2025, 9, 30)]
    ends += [date(2025, 10, 1), date(2025, 12, 28), date(2026, 1, 4), date(2026, 10, 31)]
    for since, until in itertools.combinations(ends, 2):
        days: list[date] = []
        for grain, first, last in grain_ranges(bucket, since, until):
            days += covered_days(grain, first, last)
        expected = [since + timedelta(days=n) for n in range((until - since).days + 1)]
        assert sorted(days) == expected, (bucket, since, until)


def test_a_report_moving_between_days_of_one_week_is_one_row_of_that_week() -> None:
    # Drafted on a Monday, submitted on the Wednesday: the days change, the week and month
    # do not. Each row appears once (PostgreSQL refuses one upsert touching a row twice).
    drafted = RollupKey(date(2026, 11, 23), "SIR", "HSI", 1, "draft", "none", "none", False)
    submitted = drafted._replace(day=date(2026, 11, 25), status="submitted")
    rows = rollup_rows(Counter({drafted: -1, submitted: 1}))
    keys = [tuple(row[name] for name in KEY_NAMES) for row in rows]
    assert len(keys) == len(set(keys))
    by_grain = Counter(row["grain"] for row in rows)
    assert by_grain == {Grain.DAY: 2, Grain.WEEK: 2, Grain.MONTH: 2}  # draft -1, submitted +1
    assert sorted(row["reports"] for row in rows) == [-1, -1, -1, 1, 1, 1]
    # A draft moved from Monday to Tuesday: its two days change, its week and month do not.
    moved = rollup_rows(Counter({drafted: -1, drafted._replace(day=date(2026, 11, 24)): 1}))
    assert [(row["grain"], row["reports"]) for row in moved] == [(Grain.DAY, -1), (Grain.DAY, 1)]
