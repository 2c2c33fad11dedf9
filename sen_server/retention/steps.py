"""What a domain that keeps its own copy of a report's words gives retention: a step that
removes them, run in the transaction that removes the report (``purge.remove_content``).

Retention knows the steps, not the shapes of other domains' rows: each domain writes its
step next to its tables (``sen_server/<domain>/retention.py``).
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

# Stands where a report's words were, in a record that outlives the report (a sent summary).
REMOVED_TEXT = "[removed under the records schedule]"

# (session, report ID, now) -> the other records it changed, as "<object type>:<id>" for the
# retention audit record (IDs only: an auditor sees why a product's revision moved).
ContentStep = Callable[[AsyncSession, str, datetime], Awaitable[list[str]]]


def json_mentions(column: Any, report_id: str) -> Any:
    """Rows whose JSON ``column`` holds ``report_id`` as a string value: a pre-filter, the
    same on SQLite (JSON as text) and PostgreSQL (JSONB cast to text); callers check
    the parsed value."""
    return sa.cast(column, sa.Text).contains(f'"{report_id}"', autoescape=True)
