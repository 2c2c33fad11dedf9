"""Storage rows → wire schemas for users and offices."""

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Office, User
from shared.enums import Program, Role
from shared.schemas import OfficeRef, UserPublic


def office_ref(office: Office | None) -> OfficeRef | None:
    if office is None or office.id is None:
        return None
    return OfficeRef(
        id=office.id, code=office.code, name=office.name, kind=office.kind, aor=office.aor
    )


async def user_public(session: AsyncSession, user: User) -> UserPublic:
    office = await session.get(Office, user.office_id) if user.office_id else None
    supervisor = await session.get(User, user.supervisor_id) if user.supervisor_id else None
    return UserPublic(
        id=user.id or 0,
        username=user.username,
        display_name=user.display_name,
        title=user.title,
        email=user.email,
        phone=user.phone,
        program=Program(user.program),
        roles=[Role(r) for r in user.roles],
        office=office_ref(office),
        supervisor_username=supervisor.username if supervisor else None,
        disabled=user.disabled,
        locked_until=user.locked_until,
    )
