"""Session tokens: random, stored only as SHA-256 hashes, revocable, with idle and
absolute expiry (SPEC §10)."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import AuthSession, User
from sen_server.settings import ServerSettings

# Writing last_seen_at on every request would make every read a write; this much idle-time
# imprecision is harmless against a 30-minute timeout.
LAST_SEEN_GRANULARITY = timedelta(seconds=30)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(
    session: AsyncSession, user: User, now: datetime, settings: ServerSettings, source: str | None
) -> tuple[str, AuthSession]:
    token = secrets.token_urlsafe(32)
    auth = AuthSession(
        token_hash=token_digest(token),
        public_id=secrets.token_hex(8),
        user_id=user.id or 0,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        source=source,
    )
    session.add(auth)
    await session.flush()
    return token, auth


def session_problem(auth: AuthSession, user: User, now: datetime, idle: timedelta) -> str:
    """Why this session can no longer be used ('' if it can)."""
    if auth.revoked_at is not None:
        return "session_revoked"
    if user.disabled:
        return "account_disabled"
    if now >= auth.expires_at:
        return "session_expired"
    if now - auth.last_seen_at >= idle:
        return "session_idle"
    return ""


# Built once: every authenticated request runs it, and building a select costs a third of
# running it.
_BY_DIGEST = (
    select(AuthSession, User)
    .join(User, col(User.id) == col(AuthSession.user_id))
    .where(col(AuthSession.token_hash) == bindparam("digest"))
)


async def find_session(session: AsyncSession, token: str) -> tuple[AuthSession, User] | None:
    row = (await session.exec(_BY_DIGEST, params={"digest": token_digest(token)})).first()
    return (row[0], row[1]) if row else None


def needs_touch(auth: AuthSession, now: datetime) -> bool:
    return now - auth.last_seen_at >= LAST_SEEN_GRANULARITY


async def touch(session: AsyncSession, auth: AuthSession, now: datetime) -> None:
    await session.exec(
        update(AuthSession).where(col(AuthSession.id) == auth.id).values(last_seen_at=now)
    )
    auth.last_seen_at = now


async def revoke_user_sessions(
    session: AsyncSession, user_id: int, now: datetime, *, keep: int | None = None
) -> None:
    """End every live session of a user (disabling, password change), except ``keep``."""
    statement = update(AuthSession).where(
        col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
    )
    if keep is not None:
        statement = statement.where(col(AuthSession.id) != keep)
    await session.exec(statement.values(revoked_at=now))
