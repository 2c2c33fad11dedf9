"""Removing a report's content from every table that holds it, and from the storage under
them.

``DOMAIN_STEPS`` are the other domains' own steps for the copies they keep (summaries'
paragraphs, intelligence products and triage notes, news links; see ``steps``), run first;
``CONTENT_HOLDERS`` then lists, in a safe order (children before the report), one statement
per core table that holds a report's words. The retention tests plant a canary and look
for it in every table afterwards. The accounting of disclosures has no step: it outlives
the record (SPEC §6).
"""

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import make_url, text
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.intel.retention import remove_lead_copies
from sen_server.news.retention import remove_news_rows
from sen_server.retention.steps import ContentStep
from sen_server.summaries.retention import remove_report_words

DOMAIN_STEPS: list[ContentStep] = [
    remove_report_words,
    remove_lead_copies,
    remove_news_rows,
]

CONTENT_HOLDERS: list[str] = [
    # The search index (FTS5 on SQLite; on PostgreSQL its tsvector is a column of the row).
    "DELETE FROM report_fts WHERE report_id = :report_id",
    # Live events carry the report's title.
    "DELETE FROM event WHERE report_id = :report_id"
    " OR (object_type = 'report' AND object_id = :report_id)",
    "DELETE FROM delivery WHERE report_id = :report_id",
    "DELETE FROM report_version WHERE report_id = :report_id",
    "DELETE FROM report WHERE id = :report_id",
]

# Work not yet done about the report (an email, an export) must not outlive it. Only
# pending messages are searched (by ix_outbox_pending): a finished one does no more work.
_OUTBOX = {
    "sqlite": "DELETE FROM outbox WHERE state = 'pending'"
    " AND instr(CAST(payload AS TEXT), :quoted) > 0",
    "postgresql": "DELETE FROM outbox WHERE state = 'pending'"
    " AND strpos(payload::text, :quoted) > 0",
}


async def remove_content(session: AsyncSession, report_id: str, now: datetime) -> list[str]:
    """Removes the report's words everywhere; returns the other records that held a copy
    and were changed (``steps.ContentStep``)."""
    changed: list[str] = []
    for step in DOMAIN_STEPS:
        changed += await step(session, report_id, now)
    for statement in CONTENT_HOLDERS:
        await session.exec(text(statement).bindparams(report_id=report_id))  # type: ignore[call-overload]
    dialect = session.get_bind().dialect.name
    outbox = text(_OUTBOX[dialect]).bindparams(quoted=f'"{report_id}"')
    await session.exec(outbox)  # type: ignore[call-overload]
    return changed


def scrub_sqlite_file(database_url: str) -> bool:
    """Make removed words leave the SQLite file: merge the FTS5 index (its segments keep a
    deleted row's tokens until merged), with secure_delete on so that freed pages are
    zeroed, then checkpoint and truncate the WAL, which still holds the old page images.

    Returns False if a reader (a running server) kept the WAL from being truncated; its
    frames are then overwritten by the server's own checkpoints."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return True
    # The standard library's driver, outside any transaction: a checkpoint cannot run
    # inside one, and SQLAlchemy's engine begins one on every connection (db.py).
    connection = sqlite3.connect(Path(database), isolation_level=None, timeout=30)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO report_fts(report_fts) VALUES('optimize')")
        connection.execute("COMMIT")
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0
    finally:
        connection.close()
