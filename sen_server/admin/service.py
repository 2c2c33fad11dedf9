"""Account and office administration: the CLI's account service behind the admin API.

Every change is audited with the names of the fields it changed, never their values; a
temporary password goes to the administrator in the answer and nowhere else (no audit
record, no log line). A refused change raises before anything is written, and the unit of
work rolls back whatever came before it.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, or_, select

from sen_server.accounts import changes
from sen_server.accounts import service as accounts
from sen_server.accounts.offices import load_offices
from sen_server.accounts.views import office_ref
from sen_server.audit.writer import AuditEntry
from sen_server.auth.passwords import hash_password_off_loop
from sen_server.errors import ApiError, not_found, validation_failed
from sen_server.models import Office, User
from sen_server.principal import Caller
from sen_server.unit import UnitOfWork
from shared.admin import (
    AdminUserCreate,
    AdminUserPublic,
    AdminUserUpdate,
    OfficeCreate,
    OfficePublic,
    OfficeUpdate,
    PasswordIssued,
    UserCreated,
)
from shared.enums import AuditAction, ObjectType, OfficeKind, Program, Role
from shared.schemas import FieldError, Page


def refused(exc: accounts.AccountError) -> ApiError:
    return validation_failed([FieldError(field=exc.field, message=exc.problem)])


async def _account(unit: UnitOfWork, username: str) -> User:
    user = (await unit.session.exec(select(User).where(User.username == username))).first()
    if user is None:
        raise not_found("user")
    return user


def _audit(
    unit: UnitOfWork, action: AuditAction, kind: ObjectType, name: str, **details: Any
) -> None:
    unit.audit(AuditEntry(action=action, object_type=kind, object_id=name, details=details))


async def admin_views(unit: UnitOfWork, users: Sequence[User]) -> list[AdminUserPublic]:
    """Many accounts in two queries: offices are few, supervisors fetched at once."""
    offices = await load_offices(unit.session)
    wanted = {u.supervisor_id for u in users if u.supervisor_id is not None}
    supervisors = dict(
        (
            await unit.session.exec(select(User.id, User.username).where(col(User.id).in_(wanted)))
        ).all()
        if wanted
        else []
    )
    now = unit.runtime.now()
    return [
        AdminUserPublic(
            id=u.id or 0,
            username=u.username,
            display_name=u.display_name,
            title=u.title,
            email=u.email,
            phone=u.phone,
            program=Program(u.program),
            roles=[Role(r) for r in u.roles if r in Role._value2member_map_],
            office=office_ref(offices.get(u.office_id or 0)),
            supervisor_username=supervisors.get(u.supervisor_id or 0),
            disabled=u.disabled,
            locked_until=u.locked_until,
            locked=u.locked_until is not None and now < u.locked_until,
            must_change_password=u.must_change_password,
            created_at=u.created_at,
        )
        for u in users
    ]


async def admin_view(unit: UnitOfWork, user: User) -> AdminUserPublic:
    await unit.session.flush()
    return (await admin_views(unit, [user]))[0]


# ---- users ------------------------------------------------------------------------------


async def list_users(unit: UnitOfWork, q: str, offset: int, limit: int) -> Page[AdminUserPublic]:
    """Every account, disabled ones too, by username; ``q`` matches username or name."""
    statement = select(User).order_by(col(User.username)).offset(offset).limit(limit + 1)
    if q:
        pattern = f"%{q.lower()}%"
        statement = statement.where(
            or_(col(User.username).ilike(pattern), col(User.display_name).ilike(pattern))
        )
    rows = (await unit.session.exec(statement)).all()
    # The search words are an official's name at most; the audit keeps only that one was made.
    unit.audit(
        AuditEntry(
            action=AuditAction.USER_LIST,
            object_type=ObjectType.USER,
            details={"searched": bool(q), "offset": offset, "results": min(len(rows), limit)},
        )
    )
    items = await admin_views(unit, rows[:limit])
    return Page(items=items, limit=limit, next_offset=offset + limit if len(rows) > limit else None)


async def add_user(unit: UnitOfWork, data: AdminUserCreate) -> UserCreated:
    spec = accounts.UserSpec(
        username=data.username,
        display_name=data.display_name,
        program=data.program,
        roles=[str(r) for r in data.roles],
        office=data.office,
        supervisor=data.supervisor,
        title=data.title,
        email=data.email,
        phone=data.phone,
    )
    password = accounts.temporary_password()
    # Argon2 takes tens of milliseconds: hashed off the event loop, as at login.
    hashed = await hash_password_off_loop(password)
    try:
        user = await accounts.create_user(
            unit.session, spec, password, unit.runtime.now(), temporary=True, password_hash=hashed
        )
    except accounts.AccountError as exc:
        raise refused(exc) from None
    fields = sorted(data.model_dump(exclude_defaults=True).keys() - {"username"})
    _audit(unit, AuditAction.USER_ADD, ObjectType.USER, user.username, fields=fields)
    return UserCreated(user=await admin_view(unit, user), temporary_password=password)


def _refuse_own(reason: str) -> ApiError:
    # An administrator who shut themself out would leave the system to the command line.
    return ApiError(409, "own_account", reason)


async def update_user(
    unit: UnitOfWork, caller: Caller, username: str, data: AdminUserUpdate
) -> AdminUserPublic:
    user = await _account(unit, username)
    if user.id == caller.id and data.roles is not None and Role.ADMIN not in data.roles:
        raise _refuse_own("An administrator cannot take the admin role from themself.")
    try:
        changed = await changes.update_user(
            unit.session, user, data.model_dump(include=data.model_fields_set)
        )
    except accounts.AccountError as exc:
        raise refused(exc) from None
    _audit(unit, AuditAction.USER_UPDATE, ObjectType.USER, username, fields=changed)
    return await admin_view(unit, user)


async def set_disabled(
    unit: UnitOfWork, caller: Caller, username: str, disabled: bool
) -> AdminUserPublic:
    user = await _account(unit, username)
    if disabled and user.id == caller.id:
        raise _refuse_own("An administrator cannot disable their own account.")
    await accounts.set_disabled(unit.session, username, disabled, unit.runtime.now())
    action = AuditAction.USER_DISABLE if disabled else AuditAction.USER_ENABLE
    _audit(unit, action, ObjectType.USER, username, fields=["disabled"])
    return await admin_view(unit, user)


async def unlock(unit: UnitOfWork, username: str) -> AdminUserPublic:
    user = await _account(unit, username)
    await accounts.unlock(unit.session, username, unit.runtime.now())
    _audit(unit, AuditAction.USER_UNLOCK, ObjectType.USER, username, fields=["locked_until"])
    return await admin_view(unit, user)


async def reset_password(unit: UnitOfWork, caller: Caller, username: str) -> PasswordIssued:
    if (await _account(unit, username)).id == caller.id:
        raise _refuse_own("Change your own password with Change password, not a reset.")
    user, password = await accounts.reset_password(unit.session, username, unit.runtime.now())
    _audit(
        unit,
        AuditAction.PASSWORD_RESET,
        ObjectType.USER,
        username,
        fields=["password", "must_change_password"],
    )
    return PasswordIssued(username=user.username, temporary_password=password)


# ---- offices ----------------------------------------------------------------------------


async def list_offices(unit: UnitOfWork) -> list[OfficePublic]:
    """The tree, depth first, children by code."""
    offices = await load_offices(unit.session)
    counts = dict(
        (
            await unit.session.exec(
                select(User.office_id, func.count()).group_by(col(User.office_id))
            )
        ).all()
    )
    children: dict[int | None, list[Office]] = {}
    for office in sorted(offices.values(), key=lambda o: o.code):
        parent = office.parent_id if office.parent_id in offices else None
        children.setdefault(parent, []).append(office)
    tree: list[OfficePublic] = []

    def walk(parent: int | None, depth: int) -> None:
        for office in children.get(parent, []):
            tree.append(office_public(office, offices, depth, counts.get(office.id, 0)))
            walk(office.id, depth + 1)

    walk(None, 0)
    unit.audit(AuditEntry(action=AuditAction.OFFICE_LIST, object_type=ObjectType.OFFICE))
    return tree


def office_public(
    office: Office, offices: dict[int, Office], depth: int = 0, users: int = 0
) -> OfficePublic:
    parent = offices.get(office.parent_id) if office.parent_id is not None else None
    return OfficePublic(
        id=office.id or 0,
        code=office.code,
        name=office.name,
        kind=OfficeKind(office.kind),
        aor=office.aor,
        parent=parent.code if parent else None,
        depth=depth,
        users=users,
    )


async def _office(unit: UnitOfWork, code: str) -> Office:
    office = (await unit.session.exec(select(Office).where(Office.code == code))).first()
    if office is None:
        raise not_found("office")
    return office


async def add_office(unit: UnitOfWork, data: OfficeCreate) -> OfficePublic:
    spec = accounts.OfficeSpec(
        code=data.code, name=data.name, kind=data.kind, aor=data.aor, parent=data.parent
    )
    try:
        office = await changes.add_office(unit.session, spec)
    except accounts.AccountError as exc:
        raise refused(exc) from None
    fields = sorted(data.model_dump(exclude_defaults=True).keys() - {"code"})
    _audit(unit, AuditAction.OFFICE_ADD, ObjectType.OFFICE, office.code, fields=fields)
    return office_public(office, await load_offices(unit.session))


async def update_office(unit: UnitOfWork, code: str, data: OfficeUpdate) -> OfficePublic:
    office = await _office(unit, code)
    try:
        changed = await changes.update_office(
            unit.session, office, data.model_dump(include=data.model_fields_set)
        )
    except accounts.AccountError as exc:
        raise refused(exc) from None
    _audit(unit, AuditAction.OFFICE_UPDATE, ObjectType.OFFICE, code, fields=changed)
    await unit.session.flush()
    return office_public(office, await load_offices(unit.session))


async def retire_office(unit: UnitOfWork, code: str) -> None:
    office = await _office(unit, code)
    try:
        await changes.retire_office(unit.session, office)
    except changes.OfficeInUse as exc:
        raise ApiError(
            409,
            "office_in_use",
            f"The office is still in use ({exc}); move or retire those first.",
            extra={"dependants": exc.dependants},
        ) from None
    _audit(unit, AuditAction.OFFICE_RETIRE, ObjectType.OFFICE, code)
