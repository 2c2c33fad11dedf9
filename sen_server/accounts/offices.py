"""The office tree: chains up (for routing and review) and subtrees down (for supervisors)."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Office


async def load_offices(session: AsyncSession) -> dict[int, Office]:
    # The tree has tens of offices, not thousands: loading it whole is cheaper than recursion
    # in SQL and works the same on both databases.
    return {o.id: o for o in (await session.exec(select(Office))).all() if o.id is not None}


def office_chain(offices: dict[int, Office], office_id: int | None) -> list[Office]:
    """The office and its ancestors, nearest first."""
    chain: list[Office] = []
    seen: set[int] = set()
    while office_id is not None and office_id in offices and office_id not in seen:
        seen.add(office_id)
        office = offices[office_id]
        chain.append(office)
        office_id = office.parent_id
    return chain


def office_subtree(offices: dict[int, Office], office_id: int | None) -> set[int]:
    """The office and every office below it."""
    if office_id is None:
        return set()
    children: dict[int, list[int]] = {}
    for office in offices.values():
        if office.parent_id is not None and office.id is not None:
            children.setdefault(office.parent_id, []).append(office.id)
    found, stack = set(), [office_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found
