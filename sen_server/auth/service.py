"""Logon, lockout, password change and rules acknowledgment (SPEC §10)."""

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditEntry
from sen_server.auth.passwords import (
    hash_password,
    hash_password_off_loop,
    password_problems,
    verify_password_off_loop,
)
from sen_server.auth.sessions import open_session
from sen_server.models import AuthSession, LoginFailure, User
from sen_server.settings import ServerSettings
from shared.enums import AuditAction
from shared.schemas import FieldError


@dataclass
class LoginOutcome:
    user: User | None
    token: str | None = None
    auth: AuthSession | None = None
    audit: AuditEntry | None = None


@dataclass(frozen=True)
class PasswordCheck:
    """A password checked against the account's hash as it was read (None: no account)."""

    password_hash: str | None
    matches: bool
    needs_rehash: bool


# Logons of one account on this instance, one at a time: parallel guesses then each see the
# failures before them, and the account locks after `lockout_threshold` of them.
_account_turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


@asynccontextmanager
async def account_turn(username: str) -> AsyncIterator[None]:
    lock = _account_turns.get(username)
    if lock is None:
        lock = _account_turns[username] = asyncio.Lock()
    async with lock:
        yield


async def check_password(session: AsyncSession, username: str, password: str) -> PasswordCheck:
    """The Argon2 check, in a read transaction: no write lock is held for its ~0.1 s."""
    stored = (
        await session.exec(select(User.password_hash).where(User.username == username))
    ).first()
    matches, needs_rehash = await verify_password_off_loop(stored, password)
    return PasswordCheck(stored, matches, needs_rehash)


async def attempt_login(
    session: AsyncSession,
    username: str,
    password: str,
    checked: PasswordCheck,
    *,
    now: datetime,
    settings: ServerSettings,
    source: str | None,
) -> LoginOutcome:
    """Check the password and open a session, or record the failure (and maybe a lockout).

    The caller answers every failure the same way, so an unknown user, a wrong password, a
    disabled and a locked account cannot be told apart from outside.
    """
    # Lock the account row for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    # serialises writers): logons of one account run one after another, so parallel guesses
    # all see the failures before them and only `lockout_threshold` passwords get checked.
    # NO KEY UPDATE: rows that merely reference the user (reports, sessions) are not blocked.
    user = (
        await session.exec(
            select(User).where(User.username == username).with_for_update(key_share=True)
        )
    ).first()
    # Checked before this transaction began (check_password); it counts only if the
    # account's hash is still the one it was checked against.
    matches = checked.matches and user is not None and user.password_hash == checked.password_hash
    if user is None:
        # The username tried is recorded (SPEC §9); it is not PII of a report subject.
        return LoginOutcome(
            None,
            audit=AuditEntry(
                action=AuditAction.LOGIN_FAILED,
                outcome="failure",
                details={"username_tried": username[:150], "reason": "unknown_user"},
            ),
        )
    locked = user.locked_until is not None and now < user.locked_until
    if locked or user.disabled or not matches:
        reason = "locked" if locked else "disabled" if user.disabled else "wrong_password"
        details: dict[str, object] = {"username_tried": user.username, "reason": reason}
        if reason == "wrong_password" and await _record_failure(session, user, now, settings):
            details["locked_until"] = user.locked_until.isoformat() if user.locked_until else None
            details["lockout"] = True
        return LoginOutcome(
            user,
            audit=AuditEntry(
                action=AuditAction.LOGIN_FAILED,
                outcome="failure",
                object_type="user",
                object_id=user.username,
                details=details,
            ),
        )
    if checked.needs_rehash:
        user.password_hash = await hash_password_off_loop(password)
    user.locked_until = None
    user.failures_reset_at = now
    session.add(user)
    token, auth = await open_session(session, user, now, settings, source)
    return LoginOutcome(
        user,
        token=token,
        auth=auth,
        audit=AuditEntry(action=AuditAction.LOGIN, object_type="user", object_id=user.username),
    )


async def _record_failure(
    session: AsyncSession, user: User, now: datetime, settings: ServerSettings
) -> bool:
    """Store the failure; lock the account when the threshold is reached. True if locked."""
    session.add(LoginFailure(user_id=user.id or 0, at=now))
    await session.flush()
    window_start = now - timedelta(minutes=settings.lockout_window_minutes)
    if user.failures_reset_at is not None:
        window_start = max(window_start, user.failures_reset_at)
    recent = (
        await session.exec(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.user_id == user.id, col(LoginFailure.at) >= window_start)
        )
    ).one()
    if recent < settings.lockout_threshold:
        return False
    user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
    user.failures_reset_at = now
    session.add(user)
    return True


async def new_password_errors(user: User, current: str, new: str) -> list[FieldError]:
    errors = []
    matches, _ = await verify_password_off_loop(user.password_hash, current)
    if not matches:
        errors.append(FieldError(field="current_password", message="is not correct"))
    for problem in password_problems(new, user.username):
        errors.append(FieldError(field="new_password", message=problem))
    if matches and current == new:
        errors.append(FieldError(field="new_password", message="must differ from the current one"))
    return errors


def set_password(
    user: User, new: str, now: datetime, *, temporary: bool, hashed: str | None = None
) -> None:
    """``hashed``: an Argon2 hash of ``new`` made already (see accounts.create_user)."""
    user.password_hash = hashed or hash_password(new)
    user.password_changed_at = now
    user.must_change_password = temporary
