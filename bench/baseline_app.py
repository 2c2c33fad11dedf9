"""The baselines SEN's endpoints are compared against: a bare Litestar app.

Run as ``uvicorn --factory bench.baseline_app:create_app --workers 1 --no-access-log``
(bench/servers.py): a factory, so that importing this module for its names configures no
logging in the importer (Litestar sets logging up when an app is made).
It has no middleware, no authentication and no dependencies, so each endpoint is the
ceiling for what SEN does on the same machine, in the same run:

- ``GET /healthz``: one JSON answer, no database (ENGINEERING.md's bare endpoint);
- ``POST /insert/sqlite``: the request's JSON stored as one row in a SQLite file, durably
  (WAL, ``synchronous=FULL``, committed before the answer), one commit per request. The
  file is named by ``SEN_BENCH_INSERT_SQLITE``; one aiosqlite connection, as SQLite has
  one writer anyway;
- ``POST /insert/postgres``: the same row in PostgreSQL (asyncpg pool, one autocommitted
  ``INSERT`` per request, ``synchronous_commit`` at its durable default). The database is
  named by the DSN in ``SEN_BENCH_INSERT_POSTGRES``.

An insert endpoint whose variable is unset answers 503.

- ``GET /fanout/stream``: server-sent events, as SEN's ``/api/v1/events`` sends them
  (Litestar's ``ServerSentEvent``, a ``connected`` comment first, a ``ping`` comment after
  15 s of silence), each stream waiting on one ``asyncio.Event``;
- ``POST /fanout/publish``: the request's JSON sent to every open stream (the event is
  set, and replaced for the next publish). Nothing is checked, stored or audited: the floor
  under SEN's fan-out of one event to many readers (bench/live_fanout.py).
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiosqlite
import asyncpg
from litestar import Litestar, get, post
from litestar.exceptions import HTTPException
from litestar.response import ServerSentEvent, ServerSentEventMessage

SQLITE_ENV = "SEN_BENCH_INSERT_SQLITE"
POSTGRES_ENV = "SEN_BENCH_INSERT_POSTGRES"
# As many connections as SEN's own PostgreSQL pool holds (sen_server/db.py: 10).
POSTGRES_POOL = 10
TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_insert "
    "(id {key}, created_at TEXT NOT NULL, body TEXT NOT NULL)"
)
INSERT_SQLITE = "INSERT INTO bench_insert (created_at, body) VALUES (datetime('now'), ?)"
INSERT_POSTGRES = (
    "INSERT INTO bench_insert (created_at, body) VALUES (now()::text, $1) RETURNING id"
)


@dataclass
class Stores:
    sqlite: aiosqlite.Connection | None = None
    postgres: asyncpg.Pool | None = None


STORES = Stores()

HEARTBEAT_SECONDS = 15.0  # as sen_server.events.stream


@dataclass
class Broadcast:
    """The last payload published, its number, and the event its waiters wait on (replaced
    at each publish, so that a stream arriving later waits for the next one)."""

    payload: str = ""
    number: int = 0
    published: asyncio.Event = field(default_factory=asyncio.Event)
    streams: int = 0  # open now


BROADCAST = Broadcast()


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    if path := os.environ.get(SQLITE_ENV):
        # isolation_level=None: each INSERT is its own transaction, committed at once.
        STORES.sqlite = await aiosqlite.connect(path, isolation_level=None)
        await STORES.sqlite.execute("PRAGMA journal_mode=WAL")
        await STORES.sqlite.execute("PRAGMA synchronous=FULL")
        await STORES.sqlite.execute(TABLE.format(key="INTEGER PRIMARY KEY"))
    if dsn := os.environ.get(POSTGRES_ENV):
        STORES.postgres = await asyncpg.create_pool(dsn, min_size=2, max_size=POSTGRES_POOL)
        await STORES.postgres.execute(TABLE.format(key="BIGSERIAL PRIMARY KEY"))
    try:
        yield
    finally:
        if STORES.sqlite is not None:
            await STORES.sqlite.close()
        if STORES.postgres is not None:
            await STORES.postgres.close()


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@post("/insert/sqlite")
async def insert_sqlite(data: dict[str, Any]) -> dict[str, int]:
    if STORES.sqlite is None:
        raise HTTPException(status_code=503, detail=f"{SQLITE_ENV} is not set")
    async with STORES.sqlite.execute(INSERT_SQLITE, (json.dumps(data),)) as cursor:
        return {"id": cursor.lastrowid or 0}


@post("/insert/postgres")
async def insert_postgres(data: dict[str, Any]) -> dict[str, int]:
    if STORES.postgres is None:
        raise HTTPException(status_code=503, detail=f"{POSTGRES_ENV} is not set")
    row_id = await STORES.postgres.fetchval(INSERT_POSTGRES, json.dumps(data))
    return {"id": int(row_id)}


async def _follow_broadcast() -> AsyncIterator[ServerSentEventMessage]:
    # The same first message as SEN's stream: the load generator counts a stream as open
    # when it arrives.
    yield ServerSentEventMessage(data=None, comment="connected", retry=2000, id=BROADCAST.number)
    seen = BROADCAST.number
    BROADCAST.streams += 1
    try:
        while True:
            if BROADCAST.number == seen:
                try:
                    await asyncio.wait_for(BROADCAST.published.wait(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ServerSentEventMessage(data=None, comment="ping")
                    continue
            seen = BROADCAST.number
            yield ServerSentEventMessage(data=BROADCAST.payload, event="broadcast", id=seen)
    finally:
        BROADCAST.streams -= 1


@get("/fanout/stream", sync_to_thread=False)
def fanout_stream() -> ServerSentEvent:
    return ServerSentEvent(_follow_broadcast())


@post("/fanout/publish")
async def fanout_publish(data: dict[str, Any]) -> dict[str, int]:
    BROADCAST.payload = json.dumps(data)
    BROADCAST.number += 1
    published, BROADCAST.published = BROADCAST.published, asyncio.Event()
    published.set()
    return {"number": BROADCAST.number, "streams": BROADCAST.streams}


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[healthz, insert_sqlite, insert_postgres, fanout_stream, fanout_publish],
        lifespan=[lifespan],
        openapi_config=None,
        debug=False,
    )
