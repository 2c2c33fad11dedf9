"""Admin-editable workflow data: per-type review policy and routing rules."""

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.enums import ReportType
from shared.fields import ReviewPolicy


async def configured_review_policy(
    session: AsyncSession, report_type: ReportType
) -> ReviewPolicy | None:
    """The admin's override of the catalogue's review policy, if any."""
    return None
