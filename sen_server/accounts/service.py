"""Administration of accounts and offices (used by the CLI and the admin API)."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.auth.passwords import password_problems
from sen_server.auth.service import set_password
from sen_server.auth.sessions import revoke_user_sessions
from sen_server.models import Office, User
from shared.enums import OfficeKind, Program, Role


class AccountError(ValueError):
    """A refused administrative change, naming the field. ``problem`` never holds a value
    (the API repeats it to the client); the text adds the value for the CLI's operator."""

    def __init__(self, field: str, problem: str, value: str | None = None) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}" + (f" {value!r}" if value is not None else ""))


@dataclass
class OfficeSpec:
    code: str
    name: str
    kind: str
    aor: str | None = None
    parent: str | None = None


@dataclass
class UserSpec:
    username: str
    display_name: str
    program: str
    roles: list[str]
    office: str | None = None
    supervisor: str | None = None
    title: str = ""
    email: str = ""
    phone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def temporary_password() -> str:
    # 16 URL-safe characters: long enough for the rules, typed once by the new user.
    return secrets.token_urlsafe(12)


def check_user_spec(spec: UserSpec) -> None:
    if spec.program not in Program._value2member_map_:
        raise AccountError("program", f"must be one of {', '.join(Program)}")
    bad = [r for r in spec.roles if r not in Role._value2member_map_]
    if bad or not spec.roles:
        raise AccountError("roles", f"each must be one of {', '.join(Role)}")


async def office_by_code(session: AsyncSession, code: str, field: str = "office") -> Office:
    office = (await session.exec(select(Office).where(Office.code == code))).first()
    if office is None:
        raise AccountError(field, "no office with the code", code)
    return office


async def user_by_name(session: AsyncSession, username: str) -> User:
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        raise AccountError("username", "no such user", username)
    return user


async def upsert_office(session: AsyncSession, spec: OfficeSpec) -> Office:
    if spec.kind not in OfficeKind._value2member_map_:
        raise AccountError("kind", f"must be one of {', '.join(OfficeKind)}")
    office = (await session.exec(select(Office).where(Office.code == spec.code))).first()
    office = office or Office(code=spec.code, name=spec.name, kind=spec.kind)
    office.name, office.kind, office.aor = spec.name, spec.kind, spec.aor
    office.parent_id = (
        (await office_by_code(session, spec.parent, "parent")).id if spec.parent else None
    )
    session.add(office)
    await session.flush()
    return office


async def create_user(
    session: AsyncSession,
    spec: UserSpec,
    password: str,
    now: datetime,
    *,
    temporary: bool,
    password_hash: str | None = None,
) -> User:
    """``password_hash``: a hash of ``password`` from ``hash_password``, for accounts that
    share one password by design (the demo's), so that it is hashed once, not per account.
    The password itself is still checked against the rules."""
    check_user_spec(spec)
    if (await session.exec(select(User).where(User.username == spec.username))).first():
        raise AccountError("username", "already exists", spec.username)
    problems = password_problems(password, spec.username)
    if problems:
        raise AccountError("password", "; ".join(problems))
    user = User(
        username=spec.username,
        display_name=spec.display_name,
        title=spec.title,
        email=spec.email,
        phone=spec.phone,
        program=spec.program,
        roles=sorted(set(spec.roles)),
        office_id=(await office_by_code(session, spec.office)).id if spec.office else None,
        supervisor_id=await supervisor_id_of(session, spec.supervisor),
        password_hash="",
        password_changed_at=now,
        created_at=now,
    )
    set_password(user, password, now, temporary=temporary, hashed=password_hash)
    session.add(user)
    await session.flush()
    return user


async def supervisor_id_of(session: AsyncSession, username: str | None) -> int | None:
    if not username:
        return None
    try:
        return (await user_by_name(session, username)).id
    except AccountError:
        # Name the field that is wrong, not the account being created.
        raise AccountError("supervisor", "no such user", username) from None


async def set_roles(session: AsyncSession, username: str, roles: list[str]) -> User:
    user = await user_by_name(session, username)
    check_user_spec(UserSpec(username, user.display_name, user.program, roles))
    user.roles = sorted(set(roles))
    session.add(user)
    return user


async def unlock(session: AsyncSession, username: str, now: datetime) -> User:
    user = await user_by_name(session, username)
    user.locked_until = None
    user.failures_reset_at = now
    session.add(user)
    return user


async def reset_password(session: AsyncSession, username: str, now: datetime) -> tuple[User, str]:
    """A new temporary password; the user must change it at the next login."""
    user = await user_by_name(session, username)
    password = temporary_password()
    set_password(user, password, now, temporary=True)
    user.locked_until = None
    user.failures_reset_at = now
    session.add(user)
    await revoke_user_sessions(session, user.id or 0, now)
    return user, password


async def set_disabled(session: AsyncSession, username: str, disabled: bool, now: datetime) -> User:
    """Disabling ends every session of the account at once (SPEC §10)."""
    user = await user_by_name(session, username)
    user.disabled = disabled
    session.add(user)
    if disabled:
        await revoke_user_sessions(session, user.id or 0, now)
    return user
