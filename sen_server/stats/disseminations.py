"""Counting intelligence disseminations (SPEC §6, §7): the only statistics code that reads
the accounting of disclosures, and it reads two columns of it, when and by which channel.
Never the agency, its address, the purpose, the product or the persons a disclosure
concerns (``tests/server/test_stats_privacy.py`` checks the statement against them).

No rollup: disseminations are deliberate acts, a few a day at most, and ``disclosed_at``
is indexed, so a year's range is one short index range. Rows are grouped by the instant
and channel and folded into days by the service, so no dialect's date functions are needed
(SQLite keeps the UTC instant without an offset, PostgreSQL as timestamptz).
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from sen_server.intel.models import Disclosure


def _first_instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def disseminations_statement(since: date, until: date) -> Select[Any, Any, int]:
    """(instant, channel, disseminations) rows for the UTC days [since, until]."""
    when, channel = col(Disclosure.disclosed_at), col(Disclosure.channel)
    return (
        select(when, channel, sa.func.count())
        .where(when >= _first_instant(since), when < _first_instant(until + timedelta(days=1)))
        .group_by(when, channel)
    )
