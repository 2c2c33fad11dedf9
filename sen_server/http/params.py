"""Query parameters the framework would read too leniently: points in time.

Litestar reads a ``datetime`` query parameter with msgspec's lax rules, which took
``until=0.5`` as half a second after 1970 and a time without an offset as naive (then a 500
when it reached a UTC column), and let ``since=9999-12-31T23:59:59-14:00`` overflow on its way
to UTC (a 500). Here a point in time is ISO 8601 text with a UTC offset, in the years SEN
records (``shared.dates``), or a 422 naming the parameter; the document says the same.
"""

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import Parameter

from sen_server.errors import validation_failed
from shared.dates import EARLIEST_YEAR, LATEST_YEAR, plausible_date
from shared.schemas import FieldError

INSTANT_HELP = (
    f"An ISO 8601 date and time with a UTC offset, in the years {EARLIEST_YEAR}-{LATEST_YEAR}, "
    "e.g. 2026-03-01T14:30:00Z."
)
# What the document says of such a parameter: a date-time (RFC 3339, so with an offset) whose
# year is in range. The pattern only checks the year; ``format`` checks the rest.
INSTANT_SCHEMA = {"format": "date-time", "pattern": r"^(19|20)[0-9]{2}-"}

# RFC 3339's date-time (what the document's ``format`` means): the offset is not optional.
RFC_3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)

Instant = Annotated[
    str | None, Parameter(max_length=64, description=INSTANT_HELP, schema_extra=INSTANT_SCHEMA)
]


def parse_instant(name: str, text: str | None) -> datetime | None:
    """``text`` as an aware datetime, or a 422 naming ``name``; None when not given."""
    if text is None:
        return None
    value = None
    if RFC_3339.fullmatch(text):
        with suppress(ValueError):  # a day or hour that does not exist
            value = datetime.fromisoformat(text.upper())
    if value is None:
        raise validation_failed([FieldError(field=name, message=INSTANT_HELP)])
    try:
        return plausible_date(value)
    except ValueError as exc:
        raise validation_failed([FieldError(field=name, message=str(exc))]) from None


@dataclass(frozen=True)
class TimeWindow:
    """The ``since``/``until`` filters of a list: since inclusive, until exclusive."""

    since: datetime | None = None
    until: datetime | None = None


async def provide_window(since: Instant = None, until: Instant = None) -> TimeWindow:
    return TimeWindow(parse_instant("since", since), parse_instant("until", until))


# Handlers declare `window: WindowDep`; Litestar injects provide_window's result by name.
WindowDep = NamedDependency[TimeWindow]
