"""Statistics periods: which day, ISO week, month or federal fiscal year a day falls in.

The US federal fiscal year runs from 1 October to 30 September and is named for the
calendar year it ends in: 1 October 2026 is the first day of FY2027. Weeks are ISO weeks
(Monday to Sunday, named by ISO year and week number, so 31 December can be in week 1 of
the next year). Server and client both use these, so a label means the same on each side.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

FISCAL_YEAR_FIRST_MONTH = 10  # October


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    FISCAL_YEAR = "fiscal_year"


@dataclass(frozen=True, order=True)
class Period:
    """One bucket: its first and last day (both inclusive) and its name."""

    start: date
    end: date
    label: str


def fiscal_year(day: date) -> int:
    """The federal fiscal year ``day`` is in (named for the year it ends)."""
    return day.year + 1 if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


def period_of(day: date, bucket: Bucket) -> Period:
    if bucket is Bucket.DAY:
        return Period(day, day, day.isoformat())
    if bucket is Bucket.WEEK:
        iso_year, week, weekday = day.isocalendar()
        start = day - timedelta(days=weekday - 1)
        return Period(start, start + timedelta(days=6), f"{iso_year}-W{week:02d}")
    if bucket is Bucket.MONTH:
        return Period(
            day.replace(day=1), _month_end(day.year, day.month), f"{day.year}-{day.month:02d}"
        )
    fy = fiscal_year(day)
    return Period(date(fy - 1, 10, 1), date(fy, 9, 30), f"FY{fy}")


def periods_between(since: date, until: date, bucket: Bucket) -> list[Period]:
    """Every period that has a day in [since, until], in order."""
    periods: list[Period] = []
    day = since
    while day <= until:
        period = period_of(day, bucket)
        periods.append(period)
        day = period.end + timedelta(days=1)
    return periods


def count_periods(since: date, until: date, bucket: Bucket) -> int:
    """How many periods [since, until] touches, without listing them (for a size check
    before any work: an absurd range must be refused cheaply)."""
    if until < since:
        return 0
    if bucket is Bucket.DAY:
        return (until - since).days + 1
    if bucket is Bucket.WEEK:
        first = period_of(since, bucket).start
        return (until - first).days // 7 + 1
    if bucket is Bucket.MONTH:
        return (until.year - since.year) * 12 + until.month - since.month + 1
    return fiscal_year(until) - fiscal_year(since) + 1
