"""Retention's step for summaries: a destroyed or transferred report's paragraph loses its
words, keeps its place and its citation (ID, case number, type), so that a sent summary
still accounts for what it cited. Drafts are treated the same: the author sees the mark
and may drop the paragraph."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.retention.steps import REMOVED_TEXT, json_mentions
from sen_server.summaries.models import Summary
from shared.enums import ObjectType


async def remove_report_words(session: AsyncSession, report_id: str, now: datetime) -> list[str]:
    changed: list[str] = []
    citing = await session.exec(
        select(Summary).where(json_mentions(col(Summary.paragraphs), report_id))
    )
    for summary in citing.all():
        paragraphs = [
            {**p, "text": REMOVED_TEXT} if p.get("report_id") == report_id else p
            for p in summary.paragraphs
        ]
        if paragraphs != summary.paragraphs:
            # A new list: the JSON column sees a change only when it is assigned.
            summary.paragraphs = paragraphs
            session.add(summary)
            changed.append(f"{ObjectType.SUMMARY}:{summary.id}")
    return changed
