"""Bulk-loading many submitted reports, each delivered to the IROC watch officer.

Going through the report service would take far longer than a benchmark may (each create
is validated, routed and audited in its own durable transaction); SQLAlchemy core
executemany takes seconds. The rows mirror what the service writes for a submitted report
(sen_server.models): the report, its delivery, and the ID sequence. Version snapshots, the
search index and the audit records of these creates are left out: no queue reads them, and
writing them would double the load time.
"""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import Row, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from sen_server.db import create_engine
from sen_server.demo.bodies import fake_body
from sen_server.models import Delivery, Report, ReportSequence, User
from sen_server.settings import ServerSettings
from shared.catalogue import get_type
from shared.enums import DEFAULT_MARKING, ReportType

T = ReportType
IROC_USER = "iroc.watch"
# (author, share of the reports, types they may create that reach the IROC queue).
# agent.nyc writes most, so that its own `reports` queue is deep enough for offset 50,000.
AUTHORS: list[tuple[str, float, tuple[ReportType, ...]]] = [
    ("agent.nyc", 0.60, (T.SIR, T.OPPRED, T.SPEAR, T.LEARA, T.SPOT)),
    ("officer.nyc", 0.10, (T.SIR, T.LEARA, T.SPOT, T.ERO_TAV)),
    ("agent.lax", 0.10, (T.SIR, T.OPPRED, T.SPEAR, T.LEARA, T.SPOT)),
    ("officer.lax", 0.08, (T.SIR, T.LEARA, T.SPOT, T.ERO_TAV)),
    ("sup.nyc", 0.07, (T.SIR, T.SPEAR)),
    (IROC_USER, 0.05, (T.SPOT,)),
]
# Inside the IROC queue's 72-hour window, so every report is in every queue that could
# hold it: the worst case for deep pages and counts.
SPREAD = timedelta(hours=70)
CHUNK = 5_000
BODIES_PER_TYPE = 40


def _bodies(rng: random.Random, now: datetime) -> dict[ReportType, list[dict[str, Any]]]:
    """A few realistic bodies per type, reused: row size matters to a scan, variety not."""
    fake = Faker("en_US")
    fake.seed_instance(2026)
    types = {t for _, _, ts in AUTHORS for t in ts}
    return {
        t: [fake_body(get_type(t), fake, rng, now) for _ in range(BODIES_PER_TYPE)] for t in types
    }


def _rows(
    count: int, users: dict[str, Row[Any]], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Counter[str]]:
    rng = random.Random(2026)
    bodies = _bodies(rng, now)
    numbers: Counter[str] = Counter()
    iroc = users[IROC_USER]
    reports: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    names = [a[0] for a in AUTHORS]
    weights = [a[1] for a in AUTHORS]
    types_of = {a[0]: a[2] for a in AUTHORS}
    for _ in range(count):
        author = users[rng.choices(names, weights)[0]]
        report_type = rng.choice(types_of[author.username])
        numbers[report_type] += 1
        report_id = f"{report_type}-{now.year}-{numbers[report_type]:06d}"
        submitted = now - rng.random() * SPREAD
        drafted = submitted - timedelta(hours=1)
        body = rng.choice(bodies[report_type])
        reports.append(
            {
                "id": report_id,
                "type": report_type,
                "status": "closed" if rng.random() < 0.05 else "submitted",
                "version": 2,
                "title": f"{get_type(report_type).label}: bench report {len(reports)}",
                "marking": DEFAULT_MARKING,
                "priority": rng.choices(["routine", "priority", "flash"], [80, 15, 5])[0],
                "case_number": None,
                "event_at": submitted - timedelta(hours=2),
                "created_at": drafted,
                "updated_at": submitted,
                "submitted_at": submitted,
                "late": False,
                "author_id": author.id,
                "author_office_id": author.office_id,
                "program": author.program,
                "review_comment": None,
                "triage_status": None,
                "summarised_at": None,
                "recipients": {},
                "body": body,
            }
        )
        if author.id != iroc.id:  # routing never delivers to the author
            deliveries.append(_delivery(rng, report_id, iroc.id, submitted))
    return reports, deliveries, numbers


def _delivery(rng: random.Random, report_id: str, user_id: int, at: datetime) -> dict[str, Any]:
    state = rng.choices(["new", "read", "acknowledged"], [30, 60, 10])[0]
    return {
        "report_id": report_id,
        "user_id": user_id,
        "state": state,
        "reason": "office:IROC",
        "updated": rng.random() < 0.05,
        "created_at": at,
        "read_at": None if state == "new" else at + timedelta(minutes=5),
        "acknowledged_at": at + timedelta(minutes=6) if state == "acknowledged" else None,
    }


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel at runtime
    return table


async def _insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(table), rows[start : start + CHUNK])


async def load_reports(settings: ServerSettings, count: int) -> None:
    """Insert ``count`` submitted reports into a database holding the demo organisation."""
    engine = create_engine(settings)
    try:
        async with engine.begin() as conn:
            users = {u.username: u for u in (await conn.execute(select(User))).all()}
            reports, deliveries, numbers = _rows(count, users, datetime.now(UTC))
            await _insert(conn, _table(Report), reports)
            await _insert(conn, _table(Delivery), deliveries)
            year = datetime.now(UTC).year
            sequences = [{"report_type": t, "year": year, "last": n} for t, n in numbers.items()]
            await _insert(conn, _table(ReportSequence), sequences)
        if engine.dialect.name == "postgresql":
            # Autovacuum would analyze these tables within a minute of a real bulk load;
            # do it now so that the planner sees the table as it would in service.
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
