"""Bulk-loading an agency's worth of data: users, submitted reports, their deliveries.

Going through the report service would take far longer than a benchmark may (each create
is validated, routed and audited in its own durable transaction). Here the rows go in with
each database's own bulk path: on SQLite ``executemany`` in big batches on one connection
at ``synchronous=OFF`` (a benchmark's load need not survive a power cut; the server under
test runs at its durable default), on PostgreSQL ``COPY``. A million reports take minutes.

The rows mirror what the service writes (sen_server.models): users in the field offices
of the demo organisation, each agent with a supervisor; reports submitted (5 % closed)
within the last 70 hours, so that every one of them is inside the IROC queue's 72-hour
window (the worst case for its pages and counts), with realistic bodies from
``sen_server.demo.bodies`` (~1.9 KB of JSON); one delivery per report to the IROC watch
officer (IROC types; not for the reports it wrote itself) and one to the author's
supervisor, carrying the report's type and sort keys as routing writes them; and the ID
sequences. SPOT broadcasts are delivered like any other report (to IROC and the
supervisor), not to every user: a million broadcasts to 20,000 users would be twenty
billion rows. Version snapshots, the search index and the audit records of these creates
are left out: no queue reads them.
"""

import json
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import psycopg
from faker import Faker

from sen_server.demo.bodies import fake_body
from sen_server.settings import ServerSettings
from shared.catalogue import get_type
from shared.enums import DEFAULT_MARKING, ReportType

T = ReportType
IROC_USER = "iroc.watch"
HEAVY_AUTHOR = "agent.nyc"
# agent.nyc writes this share of the reports, so that its own `reports` queue is deep.
HEAVY_SHARE = 0.3
# Types each program writes (SPEC §1); the IROC watch officer writes SPOTs.
PROGRAM_TYPES = {
    "HSI": (T.SIR, T.OPPRED, T.SPEAR, T.LEARA, T.SPOT),
    "ERO": (T.SIR, T.LEARA, T.SPOT, T.ERO_LEAD, T.ERO_TAV),
    "HQ": (T.SPOT,),
}
IROC_TYPES = {T.SIR, T.OPPRED, T.SPEAR, T.LEARA, T.SPOT, T.ERO_TAV}
# Field offices that take bulk users: (office code, program).
FIELD_OFFICES = [("RAC-LI", "HSI"), ("RAC-RIV", "HSI"), ("FOD-NYC", "ERO"), ("FOD-LAX", "ERO")]
SUPERVISOR_SHARE = 0.1
SPREAD = timedelta(hours=70)
CHUNK = 20_000
BODIES_PER_TYPE = 40
NO_RECIPIENTS: dict[str, Any] = {}

USER_COLUMNS = [
    "username", "display_name", "title", "email", "phone", "program", "roles", "office_id",
    "supervisor_id", "password_hash", "must_change_password", "password_changed_at",
    "rules_acknowledged_at", "disabled", "locked_until", "failures_reset_at", "created_at",
]  # fmt: skip
REPORT_COLUMNS = [
    "id", "type", "status", "version", "revision", "title", "marking", "priority", "case_number",
    "event_at", "created_at", "updated_at", "submitted_at", "late", "author_id",
    "author_office_id", "program", "review_comment", "triage_status", "summarised_at",
    "recipients", "body",
]  # fmt: skip
DELIVERY_COLUMNS = [
    "report_id", "user_id", "report_type", "report_submitted_at", "report_updated_at",
    "state", "reason", "updated", "created_at", "read_at", "acknowledged_at",
]  # fmt: skip


@dataclass(frozen=True)
class Loaded:
    users: int
    reports: int
    deliveries: int
    seconds: float


@dataclass(frozen=True)
class Author:
    id: int
    username: str
    program: str
    office_id: int | None
    supervisor_id: int | None


class _Sink(Protocol):
    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...
    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...
    def finish(self) -> None: ...


class _SQLite:
    """One sqlite3 connection: no fsync, a big cache, one transaction per batch."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in ("synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
            self.conn.execute(f"PRAGMA {pragma}")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        self.conn.execute("BEGIN")
        self.conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        self.conn.execute("COMMIT")

    def finish(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


class _Postgres:
    """One psycopg connection; rows go in with COPY."""

    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute("SET synchronous_commit = off")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        with (
            self.conn.transaction(),
            self.conn.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        # What autovacuum would have done within a minute of a real load: statistics and
        # the visibility map (index-only scans), so the planner sees the tables as in service.
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()


def _sink(settings: ServerSettings) -> tuple[_Sink, bool]:
    url = settings.resolved_database_url
    if settings.is_sqlite:
        return _SQLite(url.split(":///", 1)[1]), True
    return _Postgres(url.replace("postgresql+asyncpg://", "postgresql://", 1)), False


class _Values:
    """Python values → what each database's bulk path takes, as SEN's column types store
    them (SQLite: SQLAlchemy's text form of a naive UTC datetime, 0/1 for booleans)."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self._json: dict[int, str] = {}

    def at(self, value: datetime | None) -> Any:
        if value is None or not self.sqlite:
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def flag(self, value: bool) -> Any:
        return int(value) if self.sqlite else value

    def document(self, value: Any) -> str:
        """JSON text, encoded once per document: only for documents that live as long as
        the load (the shared bodies), since the cache is keyed by identity."""
        key = id(value)
        if key not in self._json:
            self._json[key] = json.dumps(value)
        return self._json[key]


def _chunks(rows: Iterator[tuple[Any, ...]], size: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_users(sink: _Sink, values: _Values, count: int, now: datetime) -> int:
    """``count`` users in the field offices: a tenth supervisors, the rest agents under them."""
    if count <= 0:
        return 0
    offices = dict(sink.rows("SELECT code, id FROM office"))
    password_hash = sink.rows(f"SELECT password_hash FROM \"user\" WHERE username = '{IROC_USER}'")
    pw = password_hash[0][0]  # the demo password: bulk users are never logged in as
    supervisors = max(len(FIELD_OFFICES), int(count * SUPERVISOR_SHARE))

    def user(n: int, role: str, office: str, program: str, boss: int | None) -> tuple[Any, ...]:
        name = f"bulk.{role[:3]}{n:05d}"
        return (
            name, f"Bulk {role} {n}", role.title(), f"{name}@sen.example", "555-0100",
            program, json.dumps([role]),
            offices[office], boss, pw, values.flag(False), values.at(now), values.at(now),
            values.flag(False), None, None, values.at(now),
        )  # fmt: skip

    def supervisor_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(supervisors):
            office, program = FIELD_OFFICES[n % len(FIELD_OFFICES)]
            yield user(n, "supervisor", office, program, None)

    for batch in _chunks(supervisor_rows()):
        sink.insert("user", USER_COLUMNS, batch)
    bosses: dict[int, list[int]] = {}
    for user_id, office_id in sink.rows(
        "SELECT id, office_id FROM \"user\" WHERE username LIKE 'bulk.sup%'"
    ):
        bosses.setdefault(office_id, []).append(user_id)
    rng = random.Random(2026)

    def agent_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(count - supervisors):
            office, program = FIELD_OFFICES[n % len(FIELD_OFFICES)]
            yield user(n, "agent", office, program, rng.choice(bosses[offices[office]]))

    for batch in _chunks(agent_rows()):
        sink.insert("user", USER_COLUMNS, batch)
    return count


def _authors(sink: _Sink) -> tuple[Author, list[Author], int]:
    """(the heavy author, everyone else who writes, the IROC watch officer's id)."""
    found = [
        Author(*row)
        for row in sink.rows(
            'SELECT id, username, program, office_id, supervisor_id FROM "user" '
            "WHERE CAST(roles AS TEXT) LIKE '%agent%' OR CAST(roles AS TEXT) LIKE '%supervisor%' "
            "OR username = "
            f"'{IROC_USER}'"
        )
    ]
    heavy = next(a for a in found if a.username == HEAVY_AUTHOR)
    iroc = next(a for a in found if a.username == IROC_USER)
    return heavy, [a for a in found if a.id != heavy.id], iroc.id


def _bodies(rng: random.Random, now: datetime) -> dict[ReportType, list[dict[str, Any]]]:
    """A few realistic bodies per type, reused: row size matters to a scan, variety not."""
    fake = Faker("en_US")
    fake.seed_instance(2026)
    types = {t for ts in PROGRAM_TYPES.values() for t in ts}
    return {
        t: [fake_body(get_type(t), fake, rng, now) for _ in range(BODIES_PER_TYPE)] for t in types
    }


def _report_rows(
    count: int, sink: _Sink, values: _Values, now: datetime, numbers: Counter[str]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """(report row, its delivery rows), oldest first (indexes in time order fill in order)."""
    rng = random.Random(2026)
    bodies = _bodies(rng, now)
    heavy, others, iroc = _authors(sink)
    start = now - SPREAD
    step = SPREAD / max(count, 1)
    for n in range(count):
        author = heavy if rng.random() < HEAVY_SHARE else rng.choice(others)
        report_type = rng.choice(PROGRAM_TYPES.get(author.program, (T.SPOT,)))
        if author.id == iroc:
            report_type = T.SPOT
        numbers[report_type] += 1
        report_id = f"{report_type}-{now.year}-{numbers[report_type]:07d}"
        submitted = start + step * n + timedelta(microseconds=rng.randrange(1000))
        closed = rng.random() < 0.05
        sub_at, upd_at = values.at(submitted), values.at(submitted)
        report = (
            report_id, report_type, "closed" if closed else "submitted", 1, 2,
            f"{get_type(report_type).label}: bench report {n}", DEFAULT_MARKING,
            rng.choices(["routine", "priority", "flash"], [80, 15, 5])[0], None,
            values.at(submitted - timedelta(hours=2)), values.at(submitted - timedelta(hours=1)),
            upd_at, sub_at, values.flag(False), author.id, author.office_id, author.program,
            None, "new" if report_type == T.ERO_LEAD else None, None,
            values.document(NO_RECIPIENTS),
            values.document(rng.choice(bodies[report_type])),
        )  # fmt: skip
        recipients = []
        if report_type in IROC_TYPES and author.id != iroc:
            recipients.append((iroc, "office:IROC"))
        if author.supervisor_id and author.supervisor_id != iroc:
            recipients.append((author.supervisor_id, "office:bulk"))
        deliveries = []
        for user_id, reason in recipients:
            state = rng.choices(["new", "read", "acknowledged"], [30, 60, 10])[0]
            later = values.at(submitted + timedelta(minutes=5))
            deliveries.append(
                (
                    report_id, user_id, report_type, sub_at, upd_at, state, reason,
                    values.flag(rng.random() < 0.05), sub_at,
                    None if state == "new" else later,
                    later if state == "acknowledged" else None,
                )
            )  # fmt: skip
        yield report, deliveries


def load(settings: ServerSettings, reports: int, users: int = 0) -> Loaded:
    """Add ``users`` users and ``reports`` submitted reports (with their deliveries) to a
    database holding the demo organisation."""
    started = time.perf_counter()
    sink, sqlite = _sink(settings)
    values = _Values(sqlite)
    now = datetime.now(UTC)
    delivered = 0
    try:
        loaded_users = _load_users(sink, values, users, now)
        numbers: Counter[str] = Counter()
        report_batch: list[tuple[Any, ...]] = []
        delivery_batch: list[tuple[Any, ...]] = []
        for report, deliveries in _report_rows(reports, sink, values, now, numbers):
            report_batch.append(report)
            delivery_batch += deliveries
            if len(report_batch) >= CHUNK:
                sink.insert("report", REPORT_COLUMNS, report_batch)
                sink.insert("delivery", DELIVERY_COLUMNS, delivery_batch)
                delivered += len(delivery_batch)
                report_batch, delivery_batch = [], []
        if report_batch:
            sink.insert("report", REPORT_COLUMNS, report_batch)
            sink.insert("delivery", DELIVERY_COLUMNS, delivery_batch)
            delivered += len(delivery_batch)
        sink.insert(
            "report_sequence",
            ["report_type", "year", "last"],
            [(t, now.year, n) for t, n in numbers.items()],
        )
    finally:
        sink.finish()
    return Loaded(loaded_users, reports, delivered, time.perf_counter() - started)
