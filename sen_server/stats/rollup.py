"""Keeping ``stats_rollup`` in step with the reports, in the report's own transaction.

Every report write goes through the ORM (``reports.service``), so one ``before_flush``
listener sees each report that is new, changed or deleted, with the values it had before:
it takes one away from the rows of the old key and adds one to the rows of the new key,
at each grain.
Deltas are applied in key order, so two transactions never wait on each other's rows in
opposite orders (a deadlock on PostgreSQL).

Only enum values enter a key: a category or disposition outside its vocabulary (a draft's
half-typed body cannot hold one, but the rollup does not rely on that) counts as none.
"""

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, UOWTransaction

from sen_server.models import Report
from sen_server.stats.models import NO_OFFICE, NONE, Grain, StatsRollup
from shared.catalogue import LEARA_DISPOSITIONS, SIR_CATEGORIES
from shared.enums import ReportType
from shared.periods import Bucket, period_of

CATEGORISED_TYPES = frozenset({ReportType.SIR, ReportType.OPPRED})
CATEGORY_FIELD = "category"
DISPOSITION_FIELD = "disposition_status"
_CATEGORIES = frozenset(SIR_CATEGORIES)
_DISPOSITIONS = frozenset(LEARA_DISPOSITIONS)


class RollupKey(NamedTuple):
    day: date
    type: str
    program: str
    office_id: int
    status: str
    category: str
    disposition: str
    late: bool


def counted_day(submitted_at: datetime | None, created_at: datetime) -> date:
    """A report counts on the (UTC) day it was submitted; a draft on the day it was begun."""
    return (submitted_at or created_at).astimezone(UTC).date()


def rollup_key(values: dict[str, Any]) -> RollupKey:
    """The key of a report given its column values (``body`` read for two enums only)."""
    body = values["body"] or {}
    category = body.get(CATEGORY_FIELD) if values["type"] in CATEGORISED_TYPES else None
    disposition = body.get(DISPOSITION_FIELD) if values["type"] == ReportType.LEARA else None
    return RollupKey(
        day=counted_day(values["submitted_at"], values["created_at"]),
        type=values["type"],
        program=values["program"],
        office_id=values["author_office_id"] or NO_OFFICE,
        status=values["status"],
        category=category if category in _CATEGORIES else NONE,
        disposition=disposition if disposition in _DISPOSITIONS else NONE,
        late=bool(values["late"]),
    )


KEY_COLUMNS = (
    "type", "program", "author_office_id", "status", "late", "body", "submitted_at", "created_at"
)  # fmt: skip


def _current(report: Report) -> dict[str, Any]:
    return {name: getattr(report, name) for name in KEY_COLUMNS}


def _before(report: Report) -> dict[str, Any]:
    """The values a loaded report had when it was read (before this flush's changes)."""
    state = inspect(report)
    values = {}
    for name in KEY_COLUMNS:
        history = state.attrs[name].history
        values[name] = history.deleted[0] if history.deleted else getattr(report, name)
    return values


def report_deltas(session: Session) -> Counter[RollupKey]:
    deltas: Counter[RollupKey] = Counter()
    for obj in session.new:
        if isinstance(obj, Report):
            deltas[rollup_key(_current(obj))] += 1
    for obj in session.dirty:
        if isinstance(obj, Report) and session.is_modified(obj):
            old, new = rollup_key(_before(obj)), rollup_key(_current(obj))
            if old != new:
                deltas[old] -= 1
                deltas[new] += 1
    for obj in session.deleted:
        if isinstance(obj, Report):
            deltas[rollup_key(_before(obj))] -= 1
    return deltas


GRAIN_BUCKETS = {Grain.DAY: Bucket.DAY, Grain.WEEK: Bucket.WEEK, Grain.MONTH: Bucket.MONTH}
KEY_NAMES = ["grain", "start", *RollupKey._fields[1:]]


def rollup_rows(deltas: Counter[RollupKey]) -> list[dict[str, Any]]:
    """The rows to add to, at every grain, in key order, each row once (two days of one
    week are one row of the week), and none that would add nothing."""
    totals: Counter[tuple[Any, ...]] = Counter()
    for key, n in deltas.items():
        values = key._asdict()
        day = values.pop("day")
        for grain, bucket in GRAIN_BUCKETS.items():
            start = period_of(day, bucket).start
            totals[(grain.value, start, *values.values())] += n
    return [
        dict(zip(KEY_NAMES, row_key, strict=True)) | {"reports": n}
        for row_key, n in sorted(totals.items())
        if n
    ]


def apply_deltas(connection: sa.Connection, deltas: Counter[RollupKey]) -> None:
    rows = rollup_rows(deltas)
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = sa.inspect(StatsRollup).local_table
    insert = dialect.insert(table)
    statement = insert.on_conflict_do_update(
        index_elements=KEY_NAMES, set_={"reports": table.c.reports + insert.excluded.reports}
    )
    # One executemany of a statement compiled once (SQLite runs it row by row in one call;
    # on PostgreSQL SQLAlchemy may batch it into one statement of many VALUES rows, which
    # may not touch a row twice: no two rows share a key).
    connection.execute(statement, rows)


@event.listens_for(Session, "before_flush")
def _count_report_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    deltas = report_deltas(session)
    if deltas:
        apply_deltas(session.connection(), deltas)
