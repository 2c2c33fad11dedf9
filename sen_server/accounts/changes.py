"""Changes to existing accounts and offices beyond what the CLI's first commands do: profile,
office and supervisor of a user; renaming, moving, re-coding the AOR of and retiring an
office. Used by the admin API; each returns the names of the fields it changed (what the
audit record keeps; never their values)."""

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.accounts.offices import load_offices, office_subtree
from sen_server.accounts.service import (
    AccountError,
    OfficeSpec,
    UserSpec,
    check_user_spec,
    office_by_code,
    supervisor_id_of,
    upsert_office,
)
from sen_server.models import Office, Report, User

PROFILE_FIELDS = ("display_name", "title", "email", "phone", "program")


class OfficeInUse(Exception):
    """An office that accounts, offices or reports still point at cannot be retired."""

    def __init__(self, dependants: dict[str, int]) -> None:
        self.dependants = dependants
        super().__init__(", ".join(f"{n} {what}" for what, n in dependants.items()))


async def update_user(session: AsyncSession, user: User, changes: dict[str, Any]) -> list[str]:
    """Apply ``changes`` (wire names: office and supervisor by code and username)."""
    changed: list[str] = []
    for name in PROFILE_FIELDS:
        if name in changes and changes[name] is not None and changes[name] != getattr(user, name):
            setattr(user, name, changes[name])
            changed.append(name)
    if changes.get("roles") is not None:
        roles = sorted({str(r) for r in changes["roles"]})
        if roles != sorted(user.roles):
            check_user_spec(UserSpec(user.username, user.display_name, user.program, roles))
            user.roles = roles
            changed.append("roles")
    check_user_spec(UserSpec(user.username, user.display_name, user.program, user.roles))
    if "office" in changes:
        code = changes["office"]
        office_id = (await office_by_code(session, code)).id if code else None
        if office_id != user.office_id:
            user.office_id = office_id
            changed.append("office")
    if "supervisor" in changes:
        supervisor_id = await supervisor_id_of(session, changes["supervisor"])
        if supervisor_id is not None:
            await _refuse_supervision_loop(session, user, supervisor_id)
        if supervisor_id != user.supervisor_id:
            user.supervisor_id = supervisor_id
            changed.append("supervisor")
    session.add(user)
    return changed


async def _refuse_supervision_loop(session: AsyncSession, user: User, supervisor_id: int) -> None:
    if supervisor_id == user.id:
        raise AccountError("supervisor", "cannot be the user themself")
    # A loop (A supervises B supervises A) would make each read the other's reports as
    # their supervisor's: walk up from the new supervisor, a few steps in a real hierarchy.
    seen: set[int] = set()
    current: int | None = supervisor_id
    while current is not None and current not in seen:
        if current == user.id:
            raise AccountError("supervisor", "is supervised, directly or not, by this user")
        seen.add(current)
        current = (await session.exec(select(User.supervisor_id).where(User.id == current))).first()


async def add_office(session: AsyncSession, spec: OfficeSpec) -> Office:
    if (await session.exec(select(Office).where(Office.code == spec.code))).first():
        raise AccountError("code", "already exists", spec.code)
    return await upsert_office(session, spec)


async def update_office(
    session: AsyncSession, office: Office, changes: dict[str, Any]
) -> list[str]:
    changed: list[str] = []
    if changes.get("name") is not None and changes["name"] != office.name:
        office.name = changes["name"]
        changed.append("name")
    if "aor" in changes and changes["aor"] != office.aor:
        office.aor = changes["aor"]
        changed.append("aor")
    if "parent" in changes:
        parent_id = None
        if changes["parent"]:
            parent_id = (await office_by_code(session, changes["parent"], "parent")).id
            if parent_id in office_subtree(await load_offices(session), office.id):
                raise AccountError("parent", "is this office or one below it (a cycle)")
        if parent_id != office.parent_id:
            office.parent_id = parent_id
            changed.append("parent")
    session.add(office)
    return changed


async def retire_office(session: AsyncSession, office: Office) -> None:
    """Remove an office nothing depends on; one that is in use stays (OfficeInUse)."""
    counts = {
        "accounts": select(func.count()).where(col(User.office_id) == office.id),
        "offices below it": select(func.count()).where(col(Office.parent_id) == office.id),
        "reports": select(func.count()).where(col(Report.author_office_id) == office.id),
    }
    dependants = {}
    for what, statement in counts.items():
        if n := (await session.exec(statement)).one():
            dependants[what] = n
    if dependants:
        raise OfficeInUse(dependants)
    await session.delete(office)
    try:
        await session.flush()
    except IntegrityError:
        # A table added later that points at offices (distribution lists, agencies...):
        # the database's foreign key refuses, and the office stays.
        raise OfficeInUse({"other records": 1}) from None
