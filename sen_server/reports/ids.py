"""Human-readable report IDs: TYPE-YEAR-SEQUENCE, e.g. SIR-2026-000042."""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import ReportSequence


async def next_report_id(session: AsyncSession, report_type: str, year: int) -> str:
    # One atomic upsert: concurrent creators on several instances never share a number.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = ReportSequence.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .values(report_type=report_type, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["report_type", "year"], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )
    number = (await session.exec(statement)).scalar_one()
    return f"{report_type}-{year}-{number:06d}"
