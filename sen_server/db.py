"""Engine and session setup for SQLite (embedded default) and PostgreSQL."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

import sen_server.stats.rollup  # noqa: F401  (keeps the statistics rollup in step with report writes)
from sen_server.settings import ServerSettings

READ_ONLY_OPTION = "sen_read_only"


SQLITE_CONNECTIONS = 16


def create_engine(settings: ServerSettings) -> AsyncEngine:
    url = settings.resolved_database_url
    # hide_parameters: SQLAlchemy puts bound values (which may be PII) into exception text.
    if url.startswith("sqlite"):
        prepare_sqlite_storage(settings)
        # A fixed set of connections, none opened and closed per request: a new SQLite
        # connection costs a thread, the PRAGMAs below and a parse of the whole schema.
        # With overflow connections for load peaks, 32 concurrent reads spent ~10 % of
        # the server's time opening and closing them (py-spy); 16 kept ones served 20 %
        # more reads (bench/README.md §16). Past 16, requests wait for one
        # (db_pool_wait_seconds).
        engine = create_async_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": 30},
            pool_size=SQLITE_CONNECTIONS,
            max_overflow=0,
            pool_timeout=settings.db_pool_wait_seconds,
        )
        _configure_sqlite(engine, settings.sqlite_synchronous)
        return engine
    return create_async_engine(
        url,
        hide_parameters=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=settings.db_pool_wait_seconds,
        connect_args={
            "server_settings": {
                # The need-to-know condition makes the planner's cost estimates large enough
                # to trigger JIT compilation, which cost more than the query itself.
                "jit": "off",
                # asyncpg prepares every statement, and from its sixth run PostgreSQL may
                # switch to a generic plan made for an average user. Readers are anything
                # but average (an IROC watch officer holds most deliveries): a generic plan
                # hashed all of one reader's deliveries to check 50 rows, 1 s instead of
                # 1 ms (bench/README.md §3). Plan each run with its own values.
                "plan_cache_mode": "force_custom_plan",
            }
        },
    )


def prepare_sqlite_storage(settings: ServerSettings) -> Path | None:
    """The data folder readable by its owner only (0700), and the database file created
    0600 before SQLite first opens it: SQLite gives its -wal and -shm files the database
    file's permissions, and every one of them holds report content. Returns the database
    file (None for an in-memory database)."""
    database = make_url(settings.resolved_database_url).database
    if not database or database == ":memory:":
        return None
    path = Path(database)
    for folder in {settings.data_dir, path.parent}:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)
    return path


def _configure_sqlite(engine: AsyncEngine, synchronous: str) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control so that every transaction starts with
        # BEGIN IMMEDIATE: SQLite has one writer, and a deferred transaction that upgrades
        # from read to write can fail with SQLITE_BUSY instead of waiting.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Deleted drafts (and, later, destroyed records) must not linger in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Read-only work (token checks) must not queue behind writers for the write lock.
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reads that write nothing: on SQLite they take no write lock."""
    reader = engine.execution_options(**{READ_ONLY_OPTION: True})
    return async_sessionmaker(reader, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits on success, rolls back on any exception."""
    async with sessions() as session, session.begin():
        yield session
