"""Statistics answers (SPEC §7): counts per period and per value of one dimension, within
what the caller may count, with small cells suppressed where asked.

Suppression shows counts of 1-4 as "<5" and leaves them out of every total, so that no
total, and no difference between a total and the cells shown, gives a suppressed count
back (a total is the sum of what is shown, not of what was counted).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.models import Office
from sen_server.principal import Caller
from sen_server.stats import query
from sen_server.stats.disseminations import disseminations_statement
from sen_server.stats.policy import StatsScope, may_count_disseminations, stats_scope
from sen_server.stats.query import StatsFilters
from sen_server.unit import UnitOfWork
from shared.catalogue import LEARA_DISPOSITIONS, SIR_CATEGORIES
from shared.enums import DEFAULT_MARKING, Program, ReportStatus, ReportType
from shared.intel import ExportChannel
from shared.periods import Bucket, count_periods, period_of, periods_between
from shared.schemas import FieldError
from shared.stats import (
    EARLIEST_DAY,
    MAX_CELLS,
    MAX_PERIODS,
    REPORT_FILTERS,
    SMALLEST_SHOWN,
    SUPPRESSED,
    Dimension,
    StatsPublic,
    StatsRow,
)

STATS_READ = "stats.read"
STATS_EXPORT = "stats.export"
# How far past today a range may reach (a plan for the coming year is fine; 2999 is not).
LATEST_AHEAD = timedelta(days=366)
DEFAULT_SPAN = timedelta(days=364)
NO_VALUE = "(none)"
# Columns of the closed vocabularies come in the vocabulary's own order.
VOCABULARY_ORDER: dict[Dimension, list[str]] = {
    Dimension.TYPE: list(ReportType),
    Dimension.CATEGORY: SIR_CATEGORIES,
    Dimension.PROGRAM: list(Program),
    Dimension.STATUS: list(ReportStatus),
    Dimension.LATE: ["late", "on time"],
    Dimension.DISPOSITION: LEARA_DISPOSITIONS,
    Dimension.DISSEMINATION: list(ExportChannel),
}
ALL_DISSEMINATIONS = StatsScope("all disseminations")


@dataclass(frozen=True)
class StatsRequest:
    group_by: Dimension
    bucket: Bucket
    since: date | None
    until: date | None
    type: ReportType | None = None
    office: str | None = None
    aor: str | None = None
    program: Program | None = None
    suppress: bool = False


def _refuse(field: str, message: str) -> Exception:
    return validation_failed([FieldError(field=field, label=field, message=message)])


def checked_range(request: StatsRequest, today: date) -> tuple[date, date]:
    until = request.until or today
    if until < EARLIEST_DAY:  # before working out a default start from it (date.min - 1)
        raise _refuse("until", f"must be {EARLIEST_DAY.isoformat()} or later.")
    since = request.since or max(until - DEFAULT_SPAN, EARLIEST_DAY)
    if since < EARLIEST_DAY:
        raise _refuse("since", f"must be {EARLIEST_DAY.isoformat()} or later.")
    if until > today + LATEST_AHEAD:
        raise _refuse("until", "must be at most a year from today.")
    if until < since:
        raise _refuse("until", "must not be before since.")
    if count_periods(since, until, request.bucket) > MAX_PERIODS:
        raise _refuse("bucket", _too_many(request.bucket))
    return since, until


def _too_many(bucket: Bucket) -> str:
    return (
        f"gives more than {MAX_PERIODS} periods or {MAX_CELLS} cells per {bucket.value}: "
        "choose a larger bucket, a shorter range or a filter."
    )


async def _offices(unit: UnitOfWork) -> dict[str, str | None]:
    return {code: aor for code, aor in (await unit.session.exec(query.offices_statement()))}


async def _scope(unit: UnitOfWork, caller: Caller) -> StatsScope:
    office = (
        await unit.session.get(Office, caller.user.office_id) if caller.user.office_id else None
    )
    return stats_scope(caller, office.aor if office else None)


def _label(dimension: Dimension, value: object) -> str:
    if dimension is Dimension.LATE:
        return "late" if value else "on time"
    return NO_VALUE if value is None or value == "" else str(value)


def _column_order(dimension: Dimension, seen: set[str]) -> list[str]:
    order = VOCABULARY_ORDER.get(dimension)
    if order is None:
        return sorted(seen)
    return [v for v in order if v in seen] + sorted(seen.difference(order))


def _day_of(when: datetime | date | str) -> date:
    # A date column comes back typed; text only if a driver ever skips the type. An
    # instant (a dissemination's) counts on its UTC day, as a report does.
    if isinstance(when, datetime):
        return when.astimezone(UTC).date()
    return when if isinstance(when, date) else date.fromisoformat(when)


def _shown(count: int, suppress: bool) -> tuple[int | None, str]:
    if suppress and 0 < count < SMALLEST_SHOWN:
        return None, SUPPRESSED
    return count, str(count)


def _check_disseminations(caller: Caller, request: StatsRequest, action: str) -> None:
    """Only whole-agency readers count disseminations, and without a report filter."""
    if not may_count_disseminations(caller):
        raise ApiError(
            403,
            "forbidden",
            "Dissemination counts are for statisticians and public affairs.",
            audit=AuditEntry(
                action=action, outcome="denied", details={"reason": "dissemination_scope"}
            ),
        )
    given = [name for name in REPORT_FILTERS if getattr(request, name) is not None]
    if given:
        raise validation_failed(
            [
                FieldError(field=name, label=name, message="does not apply to disseminations.")
                for name in given
            ]
        )


async def count_reports(
    unit: UnitOfWork, caller: Caller, request: StatsRequest, *, action: str = STATS_READ
) -> StatsPublic:
    """Counts of reports, or of disseminations where ``group_by`` is that dimension."""
    since, until = checked_range(request, unit.runtime.now().date())
    if request.group_by is Dimension.DISSEMINATION:
        _check_disseminations(caller, request, action)
    if request.office is not None or request.aor is not None:
        offices = await _offices(unit)
        if request.office is not None and request.office not in offices:
            raise _refuse("office", "is not an office code.")
        if request.aor is not None and request.aor not in set(offices.values()):
            raise _refuse("aor", "is not an area of responsibility.")
    if request.group_by is Dimension.DISSEMINATION:
        scope = ALL_DISSEMINATIONS
        statements = [disseminations_statement(since, until)]
    else:
        scope = await _scope(unit, caller)
        filters = StatsFilters(
            since, until, request.type, request.office, request.aor, request.program
        )
        statements = query.counts_statements(request.group_by, request.bucket, filters, scope)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen: set[str] = set()
    for statement in statements:
        for when, value, reports in await unit.session.exec(statement):
            label = period_of(_day_of(when), request.bucket).label
            column = _label(request.group_by, value)
            counts[label][column] += int(reports)
            seen.add(column)
    columns = _column_order(request.group_by, seen)
    periods = periods_between(since, until, request.bucket)
    if len(periods) * max(len(columns), 1) > MAX_CELLS:
        raise _refuse("bucket", _too_many(request.bucket))
    rows = []
    column_totals = [0] * len(columns)
    for period in periods:
        cells = [_shown(counts[period.label][c], request.suppress) for c in columns]
        shown_counts = [c for c, _ in cells]
        for i, c in enumerate(shown_counts):
            column_totals[i] += c or 0
        rows.append(
            StatsRow(
                label=period.label,
                start=max(period.start, since),
                end=min(period.end, until),
                counts=shown_counts,
                shown=[s for _, s in cells],
                total=sum(c or 0 for c in shown_counts),
            )
        )
    unit.audit(
        AuditEntry(
            action=action,
            details={
                "group_by": request.group_by.value,
                "bucket": request.bucket.value,
                "since": since.isoformat(),
                "until": until.isoformat(),
                "filters": {
                    k: str(v)
                    for k, v in {
                        "type": request.type,
                        "office": request.office,
                        "aor": request.aor,
                        "program": request.program,
                    }.items()
                    if v
                },
                "suppressed": request.suppress,
                "scope": scope.label,
            },
        )
    )
    return StatsPublic(
        group_by=request.group_by,
        bucket=request.bucket,
        since=since,
        until=until,
        columns=columns,
        rows=rows,
        column_totals=column_totals,
        total=sum(column_totals),
        suppressed=request.suppress,
        scope=scope.label,
        marking=DEFAULT_MARKING,
    )
