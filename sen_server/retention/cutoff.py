"""Federal fiscal-year arithmetic for the records schedule (SPEC §8).

The federal fiscal year runs 1 October to 30 September and is named after the calendar
year it ends in (FY2026: 1 Oct 2025 - 30 Sep 2026). A record's cut-off is the end of the
fiscal year holding its trigger date; "cut-off + N years" is the end of 30 September N
years later, so the disposition is due from the next day, 1 October. Because every anchor
is 30 September or 1 October, adding years never meets 29 February.
"""

from datetime import date

FISCAL_YEAR_LAST_MONTH = 9  # September
FISCAL_YEAR_LAST_DAY = 30


def fiscal_year(day: date) -> int:
    """The fiscal year holding ``day`` (named after the calendar year it ends in)."""
    return day.year + 1 if day.month > FISCAL_YEAR_LAST_MONTH else day.year


def cutoff(trigger: date) -> date:
    """The last day of the fiscal year holding ``trigger``."""
    return date(fiscal_year(trigger), FISCAL_YEAR_LAST_MONTH, FISCAL_YEAR_LAST_DAY)


def due_after(trigger: date, years: int) -> date:
    """The first day on which an action at "cut-off + ``years`` years" is due."""
    return date(cutoff(trigger).year + years, FISCAL_YEAR_LAST_MONTH + 1, 1)
