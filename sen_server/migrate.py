"""`sen-server db upgrade`: Alembic migrations, the same on SQLite and PostgreSQL.

Processes that start together on one database (`sen demo`'s server and its data builder,
several instances after a deploy) migrate one at a time: the first brings the schema to the
head, the others then find nothing to do. On SQLite a lock file beside the database orders
them; on PostgreSQL a transaction-scoped advisory lock (migrations/env.py)."""

import asyncio
from contextlib import nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from filelock import FileLock

from sen_server.db import prepare_sqlite_storage
from sen_server.settings import ServerSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(settings: ServerSettings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["sqlalchemy_url"] = settings.resolved_database_url
    return config


def upgrade(settings: ServerSettings, revision: str = "head") -> None:
    database = prepare_sqlite_storage(settings) if settings.is_sqlite else None
    turn = (
        nullcontext()  # PostgreSQL: migrations/env.py takes an advisory lock
        if database is None
        else FileLock(database.with_name(database.name + ".migrate-lock"), mode=0o600)
    )
    with turn:
        command.upgrade(alembic_config(settings), revision)


async def upgrade_async(settings: ServerSettings) -> None:
    # env.py drives its own event loop; keep it off the caller's.
    await asyncio.to_thread(upgrade, settings)
