"""Statistics periods against dates worked out by hand: the federal fiscal year turns over
between 30 September and 1 October and is named for the year it ends; leap days belong to
their month, week and fiscal year like any other day."""

from datetime import date

import pytest

from shared.periods import Bucket, Period, count_periods, fiscal_year, period_of, periods_between


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 30), 2026),  # last day of FY2026
        (date(2026, 10, 1), 2027),  # first day of FY2027
        (date(2026, 12, 31), 2027),
        (date(2027, 1, 1), 2027),
        (date(2024, 2, 29), 2024),  # a leap day, in FY2024 (1 Oct 2023 - 30 Sep 2024)
        (date(2023, 10, 1), 2024),
        (date(2000, 9, 30), 2000),
        (date(2000, 10, 1), 2001),
    ],
)
def test_fiscal_year_is_named_for_the_year_it_ends(day: date, expected: int) -> None:
    assert fiscal_year(day) == expected


def test_fiscal_year_period_runs_october_to_september() -> None:
    assert period_of(date(2026, 10, 1), Bucket.FISCAL_YEAR) == Period(
        date(2026, 10, 1), date(2027, 9, 30), "FY2027"
    )
    assert period_of(date(2026, 9, 30), Bucket.FISCAL_YEAR) == Period(
        date(2025, 10, 1), date(2026, 9, 30), "FY2026"
    )
    # FY2024 holds 29 February 2024: 366 days.
    fy2024 = period_of(date(2024, 2, 29), Bucket.FISCAL_YEAR)
    assert (fy2024.end - fy2024.start).days + 1 == 366
    # FY2025 (1 Oct 2024 - 30 Sep 2025) has no leap day.
    fy2025 = period_of(date(2025, 1, 1), Bucket.FISCAL_YEAR)
    assert (fy2025.end - fy2025.start).days + 1 == 365


def test_fiscal_years_between_straddle_the_turn_of_the_year() -> None:
    labels = [
        p.label for p in periods_between(date(2025, 9, 30), date(2026, 10, 1), Bucket.FISCAL_YEAR)
    ]
    assert labels == ["FY2025", "FY2026", "FY2027"]
    assert count_periods(date(2025, 9, 30), date(2026, 10, 1), Bucket.FISCAL_YEAR) == 3
    assert count_periods(date(2025, 10, 1), date(2026, 9, 30), Bucket.FISCAL_YEAR) == 1


def test_months_and_leap_february() -> None:
    assert period_of(date(2024, 2, 29), Bucket.MONTH) == Period(
        date(2024, 2, 1), date(2024, 2, 29), "2024-02"
    )
    assert period_of(date(2023, 2, 15), Bucket.MONTH).end == date(2023, 2, 28)
    assert period_of(date(2100, 2, 1), Bucket.MONTH).end == date(2100, 2, 28)  # not a leap year
    assert period_of(date(2026, 12, 31), Bucket.MONTH).end == date(2026, 12, 31)
    months = periods_between(date(2026, 9, 30), date(2026, 10, 1), Bucket.MONTH)
    assert [m.label for m in months] == ["2026-09", "2026-10"]
    assert count_periods(date(2025, 11, 15), date(2026, 2, 1), Bucket.MONTH) == 4


def test_iso_weeks_cross_years() -> None:
    # Monday 29 December 2025 starts ISO week 1 of 2026.
    assert period_of(date(2025, 12, 31), Bucket.WEEK) == Period(
        date(2025, 12, 29), date(2026, 1, 4), "2026-W01"
    )
    # Leap day 2024 was a Thursday in week 9.
    assert period_of(date(2024, 2, 29), Bucket.WEEK) == Period(
        date(2024, 2, 26), date(2024, 3, 3), "2024-W09"
    )
    weeks = periods_between(date(2026, 9, 30), date(2026, 10, 12), Bucket.WEEK)
    assert [w.label for w in weeks] == ["2026-W40", "2026-W41", "2026-W42"]
    assert count_periods(date(2026, 9, 30), date(2026, 10, 12), Bucket.WEEK) == 3


def test_days_around_the_fiscal_turn() -> None:
    days = periods_between(date(2024, 2, 28), date(2024, 3, 1), Bucket.DAY)
    assert [d.label for d in days] == ["2024-02-28", "2024-02-29", "2024-03-01"]
    assert count_periods(date(2026, 9, 30), date(2026, 10, 1), Bucket.DAY) == 2
    assert count_periods(date(2026, 10, 2), date(2026, 10, 1), Bucket.DAY) == 0
