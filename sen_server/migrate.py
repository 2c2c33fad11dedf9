"""`sen-server db upgrade`: Alembic migrations, the same on SQLite and PostgreSQL."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from sen_server.db import prepare_sqlite_storage
from sen_server.settings import ServerSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(settings: ServerSettings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["sqlalchemy_url"] = settings.resolved_database_url
    return config


def upgrade(settings: ServerSettings, revision: str = "head") -> None:
    if settings.is_sqlite:
        prepare_sqlite_storage(settings)
    command.upgrade(alembic_config(settings), revision)


async def upgrade_async(settings: ServerSettings) -> None:
    # env.py drives its own event loop; keep it off the caller's.
    await asyncio.to_thread(upgrade, settings)
