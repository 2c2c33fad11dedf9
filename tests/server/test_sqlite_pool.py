"""SQLite transactions as sen_server.db begins and ends them: a writer takes the write lock
at BEGIN, a reader never does; connections go back to the pool clean, at one rollback at
most (the pool rolls back only what a session left open, instead of rolling back every
returned connection a second time: one more trip to aiosqlite's thread)."""

import sqlite3
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text

from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings


@pytest.fixture
def rollbacks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every rollback that reaches SQLite (counted, then done as usual)."""
    seen: list[int] = []
    original = aiosqlite.Connection.rollback

    async def counted(self: aiosqlite.Connection) -> None:
        seen.append(1)
        await original(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", counted)
    return seen


async def test_a_read_session_costs_one_rollback_and_a_dirty_connection_comes_back_clean(
    sqlite_settings: ServerSettings, rollbacks: list[int]
) -> None:
    runtime = Runtime.build(sqlite_settings)
    try:
        async with runtime.read_sessions() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        # One for the session, and one SQLAlchemy makes when a connection is first opened.
        assert len(rollbacks) == 2
        # A transaction left open behind SQLAlchemy's back on a returned connection.
        async with runtime.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            await connection.commit()
            await driver.execute("BEGIN")
            assert driver.in_transaction
        async with runtime.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is driver  # the same connection, back from the pool
            assert not driver.in_transaction
    finally:
        await runtime.engine.dispose()


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
