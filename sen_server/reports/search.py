"""Free-text search over titles and narratives: SQLite FTS5 or PostgreSQL full-text.

The index is written by the report service on every write, in the same transaction.
Callers who read reports masked (public affairs) search titles only, so that a hit cannot
reveal what a masked narrative says.
"""

import re

from sqlalchemy import ColumnElement, String, column, text
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Report
from sen_server.news.projection import forget_story, project_story
from shared.catalogue import get_type
from shared.fields import FieldKind, FieldSpec

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def _narratives(fields: list[FieldSpec], body: object, out: list[str]) -> None:
    if isinstance(body, list):
        for item in body:
            _narratives(fields, item, out)
        return
    if not isinstance(body, dict):
        return
    for spec in fields:
        value = body.get(spec.name)
        if spec.kind == FieldKind.LONG_TEXT and isinstance(value, str):
            out.append(value)
        elif spec.kind in (FieldKind.GROUP, FieldKind.LIST) and spec.fields:
            _narratives(spec.fields, value, out)


def searchable_text(report: Report) -> str:
    parts: list[str] = []
    _narratives(get_type(report.type).fields, report.body, parts)
    return "\n".join(parts)


async def index_report(session: AsyncSession, report: Report) -> None:
    # Delete and insert: FTS5 tables have no upsert, and this keeps both databases alike.
    await unindex_report(session, report.id)
    insert = text(
        "INSERT INTO report_fts (report_id, title, content) VALUES (:id, :title, :content)"
    ).bindparams(id=report.id, title=report.title, content=searchable_text(report))
    await session.exec(insert)  # type: ignore[call-overload]
    # Every write of a report passes here: the news list's columns follow the story's body.
    await project_story(session, report)


async def unindex_report(session: AsyncSession, report_id: str) -> None:
    await session.exec(
        text("DELETE FROM report_fts WHERE report_id = :id").bindparams(id=report_id)
    )  # type: ignore[call-overload]


async def drop_report(session: AsyncSession, report_id: str) -> None:
    """A report leaves the system: its search entry, its news story and links go too."""
    await unindex_report(session, report_id)
    await forget_story(session, report_id)


def search_terms(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:MAX_TERMS]


def normalised_terms(query: str) -> str:
    """What a search's audit digest is taken of: the terms searched for, in order."""
    return " ".join(search_terms(query))


_PG_FULL_MATCH = "SELECT report_id FROM report_fts WHERE tsv @@ to_tsquery('english', :q)"
_PG_TITLE_MATCH = (
    "SELECT report_id FROM report_fts WHERE to_tsvector('english', title) @@ "
    "to_tsquery('english', :q)"
)


def search_condition(dialect: str, terms: list[str], *, titles_only: bool) -> ColumnElement[bool]:
    """Reports matching every term (prefix match on the last one, as people type)."""
    if dialect == "postgresql":
        parts = [f"{t}:*" if i == len(terms) - 1 else t for i, t in enumerate(terms)]
        matches = text(_PG_TITLE_MATCH if titles_only else _PG_FULL_MATCH).bindparams(
            q=" & ".join(parts)
        )
    else:
        # Terms are \w+ only, so quoting them makes any input a valid FTS5 query.
        quoted = " ".join(
            f'"{t}"' + ("*" if i == len(terms) - 1 else "") for i, t in enumerate(terms)
        )
        expression = f"title : ({quoted})" if titles_only else quoted
        matches = text("SELECT report_id FROM report_fts WHERE report_fts MATCH :q").bindparams(
            q=expression
        )
    return col(Report.id).in_(matches.columns(column("report_id", String)))


async def purge_deleted_text(session: AsyncSession) -> None:
    """Make deleted report text unrecoverable from the search index.

    FTS5 keeps a deleted row's tokens in its segments until they are merged, and SQLite 3.40
    (what Python 3.11 ships here) has no FTS5 secure-delete; so merge now. Used when a
    report leaves the system (draft deletion), not on every save. On PostgreSQL the row is
    simply gone.
    """
    if session.get_bind().dialect.name == "sqlite":
        optimize = text("INSERT INTO report_fts(report_fts) VALUES('optimize')")
        await session.exec(optimize)  # type: ignore[call-overload]
