"""Queues at 100,000 reports: every queue answers one page at a time, quickly (SPEC §4,
§11 "at most 500 a page").

The rows are bulk-inserted straight into report and delivery (SQLite: SQLAlchemy core
executemany; PostgreSQL: COPY), with real report bodies, so that the setup takes seconds
instead of the hour the API would need; the queues are then read through the API. Page
latencies are printed (``pytest -s``) for bench/.
"""

import json
import random
import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from sen_server.app import create_app
from sen_server.models import Delivery, Report, User
from sen_server.settings import ServerSettings
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.demo import seed_demo
from tests.support.factories import complete_body

pytestmark = [pytest.mark.slow, pytest.mark.alone]  # each page within PAGE_SECONDS

REPORTS = 100_000
PAGE_SECONDS = 2.0  # the budget for one page on this 2-core machine
# (author, program, types the author writes)
AUTHORS = [
    ("agent.nyc", "HSI", ("SIR", "OPPRED", "SPEAR", "LEARA", "SPOT")),
    ("officer.nyc", "ERO", ("SIR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV")),
    ("agent.lax", "HSI", ("SIR", "OPPRED", "SPEAR", "LEARA", "SPOT")),
    ("officer.lax", "ERO", ("SIR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV")),
    ("sup.nyc", "HSI", ("SIR", "SPEAR", "LEARA")),
    ("pao", "HQ", ("NEWS",)),
    ("iroc.watch", "HQ", ("SPOT",)),
]
# Who gets a delivery of each submitted report, by author (a subset of SPEC §4 routing:
# enough to give every reader below a large "mine" queue).
ROUTED_TO = {
    "agent.nyc": ("sup.nyc", "sac.nyc", "iroc.watch"),
    "officer.nyc": ("fod.nyc", "sdo.nyc", "iroc.watch"),
    "agent.lax": ("sup.lax", "sac.lax", "iroc.watch"),
    "officer.lax": ("fod.lax", "sdo.lax", "iroc.watch"),
    "sup.nyc": ("sac.nyc", "iroc.watch"),
    "pao": ("hq.hsi",),
    "iroc.watch": ("sup.nyc", "officer.nyc", "pao"),
}
NO_RECIPIENTS: dict[str, Any] = {}
IROC_TYPES = {"SIR", "OPPRED", "SPEAR", "LEARA", "SPOT", "ERO_TAV"}
# (reader, queue) pairs to page through: every queue, each by someone who has it.
READS = [
    ("iroc.watch", "mine"),
    ("iroc.watch", "iroc"),
    ("sup.nyc", "mine"),
    ("sup.nyc", "review"),
    ("sup.nyc", "drafts"),
    ("sup.nyc", "reports"),
    ("intel.ops1", "intel"),
    ("agent.nyc", "drafts"),
    ("agent.nyc", "reports"),
    ("hq.hsi", "mine"),
    ("pao", "mine"),
]


def _sync_url(settings: ServerSettings) -> str:
    url = settings.resolved_database_url
    return url.replace("sqlite+aiosqlite://", "sqlite://", 1).replace(
        "postgresql+asyncpg://", "postgresql+psycopg://", 1
    )


def _rows(users: dict[str, int], offices: dict[str, int | None], now: datetime) -> Iterator[Any]:
    """(report row, [delivery rows]) for REPORTS synthetic reports over the last 30 days."""
    rng = random.Random(2026)
    bodies = {t: complete_body(t, seed=1, now=now) for a in AUTHORS for t in a[2]}
    for n in range(1, REPORTS + 1):
        author, program, types = AUTHORS[n % len(AUTHORS)]
        report_type = types[n % len(types)]
        created = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
        fate = rng.random()
        status = (
            "draft"
            if fate < 0.08
            else "in_review"
            if fate < 0.14
            else "returned"
            if fate < 0.16
            else "closed"
            if fate < 0.2
            else "submitted"
        )
        published = status in ("submitted", "closed")
        submitted = created + timedelta(minutes=rng.uniform(1, 120)) if published else None
        submitted = min(submitted, now) if submitted else None
        report_id = f"{report_type}-2025-{n:07d}"
        report = {
            "id": report_id,
            "type": report_type,
            "status": status,
            "version": 1,  # sending makes no new version; it is a write (a revision)
            "revision": 2 if published else 1,
            "title": f"Bulk {report_type} {n}",
            "marking": "LAW ENFORCEMENT SENSITIVE",
            "priority": "flash" if report_type == "SPOT" else "routine",
            "case_number": None,
            "event_at": created - timedelta(hours=1),
            "created_at": created,
            "updated_at": submitted or created,
            "submitted_at": submitted,
            "late": False,
            "author_id": users[author],
            "author_office_id": offices[author],
            "program": program,
            "review_comment": None,
            "triage_status": "new" if report_type == "ERO_LEAD" else None,
            "summarised_at": None,
            "recipients": NO_RECIPIENTS,
            "body": bodies[report_type],
        }
        deliveries = []
        if published:
            for user in ROUTED_TO[author]:
                if user == "iroc.watch" and report_type not in IROC_TYPES:
                    continue
                state = rng.choice(("new", "read", "acknowledged"))
                deliveries.append(
                    {
                        "report_id": report_id,
                        "user_id": users[user],
                        "report_type": report_type,
                        "report_submitted_at": submitted,
                        "report_updated_at": submitted,
                        "state": state,
                        "reason": "office:bulk",
                        "updated": state != "new" and rng.random() < 0.05,
                        "created_at": submitted,
                        "read_at": submitted if state != "new" else None,
                        "acknowledged_at": submitted if state == "acknowledged" else None,
                    }
                )
        yield report, deliveries


def _copy(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's own bulk path (COPY), many times faster than executemany there."""
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    quoted = ", ".join(f'"{c}"' for c in columns)
    encoded: dict[int, str] = {}  # bodies are shared between rows: encode each once

    def value(row: dict[str, Any], column: str) -> Any:
        if column not in json_columns:
            return row[column]
        document = row[column]
        if id(document) not in encoded:
            encoded[id(document)] = json.dumps(document)
        return encoded[id(document)]

    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([value(row, c) for c in columns])


def bulk_insert(settings: ServerSettings, now: datetime) -> tuple[int, float]:
    """Insert REPORTS reports and their deliveries; returns (deliveries, seconds).

    SQLite: SQLAlchemy core executemany in batches; PostgreSQL: COPY.
    """
    started = time.perf_counter()
    engine = sa.create_engine(_sync_url(settings))
    report_table: sa.Table = Report.__table__
    delivery_table: sa.Table = Delivery.__table__
    delivered = 0
    try:
        with engine.begin() as conn:
            found = conn.execute(sa.select(User.username, User.id, User.office_id)).all()
            users = {name: uid for name, uid, _ in found}
            offices = {name: office for name, _, office in found}
            reports: list[dict[str, Any]] = []
            deliveries: list[dict[str, Any]] = []

            def flush() -> None:
                if engine.dialect.name == "postgresql":
                    _copy(conn, report_table, reports)
                    _copy(conn, delivery_table, deliveries)
                else:
                    conn.execute(sa.insert(report_table), reports)
                    conn.execute(sa.insert(delivery_table), deliveries)

            for report, its_deliveries in _rows(users, offices, now):
                reports.append(report)
                deliveries.extend(its_deliveries)
                if len(reports) >= 5000:
                    flush()
                    delivered += len(deliveries)
                    reports, deliveries = [], []
            if reports:
                flush()
                delivered += len(deliveries)
        # Statistics and (PostgreSQL) the visibility map, as autovacuum leaves them after a
        # day of use; without it the first reads pay for setting hint bits on every row.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
            )
    finally:
        engine.dispose()
    return delivered, time.perf_counter() - started


def drafts_of(settings: ServerSettings, username: str) -> int:
    """How many drafts (draft, returned, in review) ``username`` has, counted in SQL."""
    engine = sa.create_engine(_sync_url(settings))
    query = sa.text(
        'SELECT count(*) FROM report JOIN "user" ON "user".id = report.author_id '
        "WHERE \"user\".username = :name AND report.status IN ('draft', 'returned', 'in_review')"
    )
    try:
        with engine.connect() as conn:
            return int(conn.execute(query, {"name": username}).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def scale_settings(request: pytest.FixtureRequest) -> ServerSettings:
    name = "sqlite_settings" if request.param == "sqlite" else "pg_settings"
    settings: ServerSettings = request.getfixturevalue(name)
    return settings


async def test_every_queue_pages_quickly_at_100k_reports(
    scale_settings: ServerSettings, clock: FakeClock
) -> None:
    await seed_demo(scale_settings)
    delivered, insert_seconds = bulk_insert(scale_settings, clock())
    backend = "PostgreSQL" if not scale_settings.is_sqlite else "SQLite"
    print(
        f"\n[{backend}] bulk insert: {REPORTS} reports + {delivered} deliveries "
        f"in {insert_seconds:.1f} s"
    )

    app = create_app(scale_settings, clock=clock)
    assert drafts_of(scale_settings, "agent.nyc") > 1000, "too few drafts to page through"
    async with AsyncTestClient(app=app) as client:
        headers = {user: await login(client, user) for user in {u for u, _ in READS}}
        timings: dict[str, list[float]] = {}
        problems: list[str] = []

        async def timed_page(user: str, name: str, **params: Any) -> tuple[dict[str, Any], float]:
            started = time.perf_counter()
            response = await client.get(
                f"/api/v1/queues/{name}", params=params, headers=headers[user]
            )
            elapsed = time.perf_counter() - started
            page = flows.expect(response, 200, f"{user} {name} {params}")
            timings.setdefault(f"{user} {name}", []).append(elapsed)
            if elapsed > PAGE_SECONDS:
                problems.append(f"{user} {name} {params}: {elapsed:.2f} s")
            return page, elapsed

        for user, name in READS:
            first, _ = await timed_page(user, name, limit=500)
            assert len(first["items"]) == 500
            # Counting stops at a bound, and says so.
            assert first["total"] > 500, f"{user} {name}: only {first['total']} rows; bad setup"
            assert first["total"] <= 1000 and (first["total_exact"] or first["total"] == 1000)
            assert first["next_cursor"], f"{user} {name}: no next page"
            # Newest first, across pages: the walk goes 20 pages (10,000 rows) deep, or to
            # the end, whichever comes first, and never sees a row twice.
            key = "submitted_at" if name in ("mine", "iroc") else "updated_at"
            page, seen, stamps = first, [], []
            for _ in range(20):
                seen += [item["id"] for item in page["items"]]
                stamps += [item[key] for item in page["items"]]
                if page["next_cursor"] is None:
                    break
                page, _ = await timed_page(user, name, limit=500, cursor=page["next_cursor"])
            assert stamps == sorted(stamps, reverse=True), f"{user} {name} is not newest first"
            assert len(seen) == len(set(seen)), f"{user} {name}: a row came twice"
            assert (page["total"], page["unread"]) == (first["total"], first["unread"])
            if first["total_exact"]:  # walked to the end: every row once
                assert page["next_cursor"] is None and len(seen) == first["total"]
            # The default page (what the TUI asks for first) is small.
            default, _ = await timed_page(user, name)
            assert len(default["items"]) == 50

        # One queue to its very end: every row of it once, then no next page.
        everything, pages = [], 0
        page, _ = await timed_page("agent.nyc", "drafts", limit=500)
        while True:
            pages += 1
            everything += [item["id"] for item in page["items"]]
            if page["next_cursor"] is None:
                break
            page, _ = await timed_page("agent.nyc", "drafts", limit=500, cursor=page["next_cursor"])
        assert len(everything) == len(set(everything)) == drafts_of(scale_settings, "agent.nyc")

        for user in sorted({u for u, _ in READS}):
            started = time.perf_counter()
            counts = await client.get("/api/v1/queues/counts", headers=headers[user])
            elapsed = time.perf_counter() - started
            assert counts.status_code == 200, counts.text
            timings.setdefault(f"{user} counts", []).append(elapsed)
            if elapsed > PAGE_SECONDS:
                problems.append(f"{user} counts: {elapsed:.2f} s")

        # More than 500 a page is refused, on every queue.
        for name in ("mine", "iroc", "review", "intel", "drafts", "reports"):
            refused = await client.get(
                f"/api/v1/queues/{name}", params={"limit": 501}, headers=headers["iroc.watch"]
            )
            assert refused.status_code in (400, 422), f"{name} limit=501: {refused.status_code}"

    print(f"[{backend}] queue page latency at {REPORTS} reports (ms):")
    every = [t for times in timings.values() for t in times]
    for what, times in timings.items():
        print(f"  {what:<22} " + " ".join(f"{1000 * t:7.0f}" for t in times))
    print(
        f"  all pages: median {1000 * statistics.median(every):.0f} ms, "
        f"max {1000 * max(every):.0f} ms over {len(every)} requests"
    )
    assert not problems, "pages over the budget:\n" + "\n".join(problems)
