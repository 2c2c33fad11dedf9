"""Per-source limits on what an outsider can make the server do (SPEC §9, §10).

Two things cost the server without costing the sender: a logon (an Argon2 check, ~0.1 s of
CPU) and a request with a made-up token (an audit record each, in a table that is never
trimmed). Both are counted per source address in fixed one-minute windows, in the database,
so the limit holds across every server instance. Past the limit the answer is 429 with
``Retry-After``; the audit log gets one record when a source first goes over in a window,
and one summary per source and window with the count (the periodic job below), instead of
one record per try.
"""

from datetime import UTC, datetime, timedelta
from math import ceil

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, select

from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.errors import ApiError
from sen_server.group_commit import PendingCommit
from sen_server.models import SourceWindow
from sen_server.runtime import Runtime
from shared.enums import AuditAction

WINDOW = timedelta(minutes=1)
# Windows this old are gone: their summaries are written, and no limit reads them.
KEEP = timedelta(days=1)


class Limit:
    LOGIN = "login"
    BAD_TOKEN = "bad_token"  # noqa: S105 (a counter's name)


def limit_of(runtime: Runtime, kind: str) -> int:
    """Tries per source per window (settings; a whole office may share one NAT address)."""
    settings = runtime.settings
    if kind == Limit.LOGIN:
        return settings.logons_per_minute_per_source
    return settings.rejected_tokens_per_minute_per_source


SUMMARY_ACTIONS = {
    Limit.LOGIN: AuditAction.RATE_LIMITED,
    Limit.BAD_TOKEN: AuditAction.TOKEN_REJECTED,
}


def window_of(now: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return now - (now - epoch) % WINDOW


async def count_try(runtime: Runtime, kind: str, source: str | None) -> int:
    """Count one try from ``source`` in the current window; return the window's count."""
    window = window_of(runtime.now())
    key = {"kind": kind, "source": (source or "unknown")[:64], "window_start": window}
    async with runtime.write_session() as session:
        dialect = postgresql if not runtime.settings.is_sqlite else sqlite
        statement = (
            dialect.insert(SourceWindow)
            .values(**key, count=1, summarised=False)
            .on_conflict_do_update(
                index_elements=["kind", "source", "window_start"],
                set_={"count": col(SourceWindow.count) + 1},
            )
            .returning(col(SourceWindow.count))
        )
        connection = await session.connection()
        return int((await connection.execute(statement)).scalar_one())


def too_many(runtime: Runtime, kind: str, count: int) -> ApiError | None:
    """The refusal for a source past its limit (audited on the first refusal only)."""
    limit = limit_of(runtime, kind)
    if count <= limit:
        return None
    now = runtime.now()
    retry_after = max(1, ceil((window_of(now) + WINDOW - now).total_seconds()))
    return ApiError(
        429,
        "too_many_requests",
        f"Too many attempts from this address. Try again in {retry_after} seconds.",
        retry_after=retry_after,
        audit=AuditEntry(
            action=AuditAction.RATE_LIMITED,
            outcome="denied",
            details={"limit": kind, "per_minute": limit},
        )
        if count == limit + 1
        else None,
    )


async def summarise_windows(runtime: Runtime) -> int:
    """One audit record per source and closed window worth one: every window of rejected
    tokens that saw more than its first (recorded at once), every logon window that went
    over its limit. Then forget windows older than a day. Returns the records written."""
    now = runtime.now()
    async with runtime.write_session() as session:
        windows = (
            await session.exec(
                select(SourceWindow).where(
                    col(SourceWindow.window_start) < window_of(now),
                    col(SourceWindow.summarised).is_(False),
                )
            )
        ).all()
        for window in windows:
            window.summarised = True
            session.add(window)
        await session.exec(delete(SourceWindow).where(col(SourceWindow.window_start) < now - KEEP))
    worth = [
        w
        for w in windows
        if w.count > (1 if w.kind == Limit.BAD_TOKEN else limit_of(runtime, w.kind))
    ]
    for window in worth:
        entry = AuditEntry(
            action=SUMMARY_ACTIONS[window.kind],
            outcome="denied",
            details={
                "summary": window.kind,
                "tries": window.count,
                "refused": max(0, window.count - limit_of(runtime, window.kind)),
                "window_start": window.window_start.isoformat(),
                "window_seconds": int(WINDOW.total_seconds()),
            },
        )
        await runtime.group_commit.commit(PendingCommit(AuditActor(source=window.source), [entry]))
    return len(worth)
