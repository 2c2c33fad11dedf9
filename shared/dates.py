"""The years a date in SEN may fall in."""

from datetime import date, datetime
from typing import TypeVar

# No date SEN records lies outside these years (births, incidents, planned operations): a
# year 0001 or 9999 is a slip of the keyboard or a probe, refused even in a draft.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2099

DateLike = TypeVar("DateLike", date, datetime)


def plausible_date(value: DateLike) -> DateLike:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value
