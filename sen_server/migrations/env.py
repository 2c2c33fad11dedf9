"""Alembic environment: runs migrations on the async engine of the configured database."""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

# Imported for their tables (registered on SQLModel.metadata); every domain's models here.
import sen_server.intel.models
import sen_server.models
import sen_server.news.models
import sen_server.retention.models
import sen_server.stats.models
import sen_server.summaries.models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata

# Any fixed number: the key of the advisory lock that orders PostgreSQL migrations.
MIGRATION_LOCK_KEY = 0x5E4D16


def _run(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        # Held until the migration transaction ends: instances started together migrate one
        # after the other, and the later ones read the version the first one left.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    url = str(config.attributes.get("sqlalchemy_url") or config.get_main_option("sqlalchemy.url"))
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
