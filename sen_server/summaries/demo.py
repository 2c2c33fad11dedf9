"""Demo distribution lists (synthetic example.gov addresses, SPEC §11)."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.summaries.models import DistributionList

DEMO_LISTS: dict[str, list[str]] = {
    "HSI leadership": ["hsi.ead@example.gov", "hsi.deputy@example.gov"],
    "ERO leadership": ["ero.ead@example.gov", "ero.deputy@example.gov"],
    "Front office": ["director@example.gov", "chief.of.staff@example.gov"],
}


async def seed_lists(session: AsyncSession, now: datetime) -> None:
    for name, addresses in DEMO_LISTS.items():
        session.add(
            DistributionList(name=name, addresses=addresses, created_at=now, updated_at=now)
        )
