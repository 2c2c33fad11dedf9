"""Who receives a submitted report: the routing rules expanded to people (SPEC §4)."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.accounts.offices import load_offices, office_chain
from sen_server.models import Office, Report, User
from sen_server.routing.rules import routing_targets
from shared.enums import CONTENT_BLIND_ROLES, RECEIVING_ROLES, OfficeKind, ReportType, Role
from shared.schemas import FieldError

T = ReportType
# Types a role may be sent at all (None: any type). A manual recipient outside this is
# refused, e.g. public affairs for an OPPRED (SPEC §4).
RECEIVABLE: dict[Role, frozenset[ReportType] | None] = {
    Role.AGENT: None,
    Role.SUPERVISOR: None,
    Role.OFFICE_MANAGER: None,
    Role.HQ_AGENT: None,
    Role.IROC: frozenset(set(T) - {T.ERO_LEAD}),
    Role.INTEL_OPS: frozenset({T.ERO_LEAD, T.SPOT}),
    Role.HSI_INTEL: frozenset({T.ERO_LEAD, T.SPOT}),
    Role.PUBLIC_AFFAIRS: frozenset({T.SIR, T.NEWS, T.SPOT}),
    Role.OPR: frozenset({T.SIR, T.OPPRED, T.SPOT}),
}


def may_receive(user: User, report_type: str) -> bool:
    for role_name in user.roles:
        role = Role(role_name)
        if role in CONTENT_BLIND_ROLES or role not in RECEIVABLE:
            continue
        allowed = RECEIVABLE[role]
        if allowed is None or report_type in allowed:
            return True
    return False


@dataclass(frozen=True)
class Recipient:
    user: User
    reason: str


def _receives_for_office(user: User) -> bool:
    return not user.disabled and any(Role(r) in RECEIVING_ROLES for r in user.roles)


async def _members(session: AsyncSession, office_ids: list[int]) -> list[User]:
    if not office_ids:
        return []
    rows = await session.exec(select(User).where(col(User.office_id).in_(office_ids)))
    return list(rows.all())


async def _members_by_office(session: AsyncSession, offices: list[Office]) -> dict[int, list[User]]:
    """The members of each of these offices, asked in one statement."""
    by_office: dict[int, list[User]] = {}
    ids = sorted({office.id for office in offices if office.id is not None})
    for user in await _members(session, ids):
        by_office.setdefault(user.office_id or 0, []).append(user)
    return by_office


def _target_offices(
    target: str, offices: dict[int, Office], author_office: int | None
) -> list[Office]:
    chain = office_chain(offices, author_office)
    if target == "author_chain":
        # RAC → SAC, or FOD: the field chain, not headquarters.
        return [o for o in chain if o.kind != OfficeKind.HQ]
    scope, _, kind = target.partition(":")
    if scope == "office_kind":
        return [o for o in offices.values() if o.kind == kind]
    if scope == "aor":
        aor = next((o.aor for o in chain if o.aor), None)
        return [o for o in offices.values() if o.kind == kind and aor and o.aor == aor]
    return []


async def resolve_recipients(session: AsyncSession, report: Report) -> list[Recipient]:
    """Every user who gets a delivery, once each, the author never."""
    offices = await load_offices(session)
    found: dict[int, Recipient] = {}

    def add(user: User, reason: str) -> None:
        fresh = user.id is not None and user.id != report.author_id and user.id not in found
        if fresh and may_receive(user, report.type):
            found[user.id or 0] = Recipient(user, reason)

    targets = await routing_targets(session, report.type)
    routed = {
        target: _target_offices(target, offices, report.author_office_id)
        for target in targets
        if target != "broadcast"
    }
    manual = report.recipients or {}
    named_offices = [o for o in offices.values() if o.code in manual.get("offices", [])]
    # Every office's members at once: one statement, not one per office.
    members = await _members_by_office(
        session, [o for chosen in routed.values() for o in chosen] + named_offices
    )
    for target in targets:
        if target == "broadcast":
            for user in (
                await session.exec(select(User).where(col(User.disabled).is_(False)))
            ).all():
                add(user, "broadcast")
            continue
        for office in routed[target]:
            for user in members.get(office.id or 0, []):
                if _receives_for_office(user):
                    add(user, f"office:{office.code}")
    for user in await _users_named(session, manual.get("users", [])):
        add(user, "manual")
    for office in named_offices:
        for user in members.get(office.id or 0, []):
            if _receives_for_office(user):
                add(user, f"manual:{office.code}")
    return list(found.values())


async def _users_named(session: AsyncSession, usernames: list[str]) -> list[User]:
    if not usernames:
        return []
    return list((await session.exec(select(User).where(col(User.username).in_(usernames)))).all())


async def manual_recipient_errors(
    session: AsyncSession, report_type: str, users: list[str], office_codes: list[str]
) -> list[FieldError]:
    """Refuse unknown recipients and those who may not read the type, naming each."""
    errors: list[FieldError] = []
    known = {u.username: u for u in await _users_named(session, users)}
    for index, username in enumerate(users):
        user = known.get(username)
        if user is None or user.disabled:
            errors.append(
                FieldError(field=f"recipients.users.{index}", message="no such active user")
            )
        elif not may_receive(user, report_type):
            errors.append(
                FieldError(
                    field=f"recipients.users.{index}",
                    message=f"{username} may not receive {report_type} reports",
                )
            )
    offices = {o.code: o for o in (await load_offices(session)).values()}
    for index, code in enumerate(office_codes):
        office = offices.get(code)
        if office is None:
            errors.append(FieldError(field=f"recipients.offices.{index}", message="no such office"))
            continue
        members = [u for u in await _members(session, [office.id or 0]) if _receives_for_office(u)]
        if members and not any(may_receive(u, report_type) for u in members):
            errors.append(
                FieldError(
                    field=f"recipients.offices.{index}",
                    message=f"{code} may not receive {report_type} reports",
                )
            )
    return errors
