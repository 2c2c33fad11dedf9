"""Migration 0014 on SQLite and PostgreSQL: outbox messages queued before it get the
subject a summary's delivery state is now looked up by, from their own payloads."""

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from sen_server.db import create_engine
from sen_server.migrate import alembic_config, upgrade
from sen_server.models import JSONType, UTCDateTime
from sen_server.settings import ServerSettings

BEFORE_SUBJECT = "0013"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

outbox = sa.table(
    "outbox",
    *(sa.column(name) for name in ("id", "kind", "state", "attempts")),
    sa.column("payload", JSONType),
    sa.column("created_at", UTCDateTime()),
    sa.column("available_at", UTCDateTime()),
)


async def _queue_old_messages(settings: ServerSettings) -> None:
    engine = create_engine(settings)
    common = {"state": "pending", "attempts": 0, "created_at": NOW, "available_at": NOW}
    try:
        async with engine.begin() as connection:
            await connection.execute(
                outbox.insert(),
                [
                    {**common, "id": 1, "kind": "summary.email", "payload": {"summary_id": 12}},
                    {
                        **common,
                        "id": 2,
                        "kind": "intel.export",
                        "payload": {"disclosure_id": 7, "channel": "file", "message": ""},
                    },
                    {**common, "id": 3, "kind": "something.else", "payload": {"summary_id": 9}},
                ],
            )
    finally:
        await engine.dispose()


async def _subjects(settings: ServerSettings) -> list[tuple[int, str | None]]:
    engine = create_engine(settings)
    table = sa.table("outbox", sa.column("id"), sa.column("subject"))
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(sa.select(table).order_by(table.c.id))
            return [(row.id, row.subject) for row in rows]
    finally:
        await engine.dispose()


async def test_queued_messages_get_their_subjects_and_a_downgrade_drops_the_column(
    fresh_settings: ServerSettings,
) -> None:
    await asyncio.to_thread(upgrade, fresh_settings, BEFORE_SUBJECT)
    await _queue_old_messages(fresh_settings)
    await asyncio.to_thread(upgrade, fresh_settings)
    assert await _subjects(fresh_settings) == [(1, "summary:12"), (2, "disclosure:7"), (3, None)]
    await asyncio.to_thread(command.downgrade, alembic_config(fresh_settings), BEFORE_SUBJECT)
    await asyncio.to_thread(upgrade, fresh_settings)  # and up again, cleanly
    assert await _subjects(fresh_settings) == [(1, "summary:12"), (2, "disclosure:7"), (3, None)]
