"""Migration 0011 on SQLite and PostgreSQL: NEWS reports written before it are projected
into ``news_story`` (outlet and publication time from their bodies), and a downgrade
removes the news tables again."""

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from sen_server.db import create_engine
from sen_server.migrate import alembic_config, upgrade
from sen_server.models import JSONType, UTCDateTime
from sen_server.settings import ServerSettings

BEFORE_NEWS = "0007"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

user = sa.table(
    "user",
    *(sa.column(name) for name in ("id", "username", "display_name", "title", "email")),
    *(sa.column(name) for name in ("phone", "program", "password_hash")),
    sa.column("roles", JSONType),
    sa.column("must_change_password", sa.Boolean()),
    sa.column("disabled", sa.Boolean()),
    sa.column("password_changed_at", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
)
report = sa.table(
    "report",
    *(sa.column(name) for name in ("id", "type", "status", "title", "marking", "priority")),
    *(sa.column(name) for name in ("version", "revision", "author_id", "program", "late")),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("recipients", JSONType),
    sa.column("body", JSONType),
)


async def _write_old_reports(settings: ServerSettings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                user.insert().values(
                    id=1,
                    username="pao",
                    display_name="Press Officer",
                    title="",
                    email="",
                    phone="",
                    program="HQ",
                    password_hash="x",
                    roles=["public_affairs"],
                    must_change_password=False,
                    disabled=False,
                    password_changed_at=NOW,
                    created_at=NOW,
                )
            )
            common = {
                "status": "submitted",
                "marking": "LAW ENFORCEMENT SENSITIVE",
                "priority": "routine",
                "version": 1,
                "revision": 2,
                "author_id": 1,
                "program": "HQ",
                "late": False,
                "created_at": NOW,
                "updated_at": NOW,
                "recipients": {},
            }
            await connection.execute(
                report.insert(),
                [
                    {
                        **common,
                        "id": "NEWS-2026-000001",
                        "type": "NEWS",
                        "title": "Story",
                        "body": {
                            "headline": "Story",
                            "outlet": "  The   Harbor City Herald ",
                            "published_at": "2026-03-01T18:30:00-05:00",
                        },
                    },
                    # No publication time yet (a draft saved early): when it was recorded.
                    {**common, "id": "NEWS-2026-000002", "type": "NEWS", "title": "", "body": {}},
                    {**common, "id": "SIR-2026-000001", "type": "SIR", "title": "SIR", "body": {}},
                ],
            )
    finally:
        await engine.dispose()


async def _stories(settings: ServerSettings) -> list[tuple[str, str, str, datetime]]:
    engine = create_engine(settings)
    story = sa.table(
        "news_story",
        *(sa.column(name) for name in ("report_id", "outlet", "outlet_key")),
        sa.column("published_at", UTCDateTime()),
    )
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(sa.select(story).order_by(story.c.report_id))
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        await engine.dispose()


async def _tables(settings: ServerSettings) -> set[str]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: sa.inspect(c).get_table_names())
            return set(names)
    finally:
        await engine.dispose()


async def test_existing_stories_are_projected_and_a_downgrade_removes_the_tables(
    fresh_settings: ServerSettings,
) -> None:
    await asyncio.to_thread(upgrade, fresh_settings, BEFORE_NEWS)
    await _write_old_reports(fresh_settings)
    await asyncio.to_thread(upgrade, fresh_settings)
    assert await _stories(fresh_settings) == [
        (
            "NEWS-2026-000001",
            "The Harbor City Herald",
            "the harbor city herald",
            datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
        ),
        ("NEWS-2026-000002", "", "", NOW),
    ]
    await asyncio.to_thread(command.downgrade, alembic_config(fresh_settings), BEFORE_NEWS)
    assert not {"news_story", "news_link"} & await _tables(fresh_settings)
