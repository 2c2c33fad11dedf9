"""SQLite transactions as sen_server.db begins them: a writer takes the write lock at BEGIN
(it queues for it rather than upgrading a read later), a reader never takes it."""

import sqlite3

from sqlalchemy import text

from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings


async def test_a_write_session_holds_the_write_lock_from_its_start_and_a_read_session_never(
    sqlite_settings: ServerSettings,
) -> None:
    runtime = Runtime.build(sqlite_settings)
    database = str(sqlite_settings.resolved_database_url).split("///", 1)[1]
    try:
        async with runtime.read_sessions() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            assert _may_write(database)
        async with runtime.sessions() as session, session.begin():
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            assert not _may_write(database)  # BEGIN IMMEDIATE: the lock is taken, not awaited
        assert _may_write(database)
    finally:
        await runtime.engine.dispose()


def _may_write(database: str) -> bool:
    """Whether another connection could take SQLite's write lock right now."""
    other = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()
