"""The news list walks ``news_story``'s indexes in its own order and stops after a page:
SQLite's plan for the statement the service runs, with public affairs' read rule, by outlet
and not, from a cursor, uses the index and needs no sort of every story (a planner given the
read rule's OR in the WHERE chose the reports' indexes and a temporary sort instead)."""

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col

from sen_server.db import create_engine
from sen_server.migrate import upgrade_async
from sen_server.models import AuthSession, User
from sen_server.news.models import NewsStory
from sen_server.news.service import story_walk
from sen_server.principal import Caller
from sen_server.reports import policy
from shared.enums import Role
from tests.support.databases import server_settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _public_affairs() -> Caller:
    user = User(
        id=7,
        username="pao",
        display_name="Press",
        program="HQ",
        roles=["public_affairs"],
        password_hash="x",
        password_changed_at=NOW,
        created_at=NOW,
    )
    auth = AuthSession(
        public_id="plan", token_hash="", user_id=7, created_at=NOW, last_seen_at=NOW, expires_at=NOW
    )
    return Caller(user=user, auth=auth, roles=frozenset({Role.PUBLIC_AFFAIRS}), source=None)


async def test_the_list_walks_the_story_index_in_order(tmp_path: Path) -> None:
    settings = server_settings(tmp_path)
    await upgrade_async(settings)
    caller = _public_affairs()
    readable = policy.read_condition(caller, policy.ReaderFacts(frozenset(), frozenset()))
    by_outlet = [col(NewsStory.outlet_key) == "the harbor city herald"]
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            plans = []
            for conditions, position in (
                ([], None),
                ([], (NOW, "NEWS-2026-000009")),
                (by_outlet, (NOW, "NEWS-2026-000009")),
            ):
                statement = story_walk(readable.label("readable"), conditions, position, 51)
                compiled = statement.compile(
                    dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
                )
                processors = compiled._bind_processors
                params = tuple(
                    processors[name](compiled.params[name])
                    if name in processors
                    else compiled.params[name]
                    for name in compiled.positiontup or ()
                )
                rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
                plans.append(" | ".join(str(row[-1]) for row in rows))
    finally:
        await engine.dispose()
    assert "USING INDEX ix_news_story_published" in plans[0], plans[0]
    assert "(published_at,report_id)<(?,?)" in plans[1], plans[1]
    assert "USING INDEX ix_news_story_outlet_published (outlet_key=?" in plans[2], plans[2]
    for plan in plans:
        assert "TEMP B-TREE" not in plan, plan  # no sort: the index is already in order
        assert "USING INDEX sqlite_autoindex_report_1 (id=?)" in plan, plan
        assert not plan.startswith("MULTI-INDEX OR"), plan
