"""Retention's step for news tracking: a removed report leaves the news list and every
link to or from it (the foreign keys would cascade too; said here, not left to them)."""

from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.news.models import NewsLink, NewsStory


async def remove_news_rows(session: AsyncSession, report_id: str, now: datetime) -> list[str]:
    await session.exec(
        delete(NewsLink).where(
            or_(col(NewsLink.news_id) == report_id, col(NewsLink.report_id) == report_id)
        )
    )
    await session.exec(delete(NewsStory).where(col(NewsStory.report_id) == report_id))
    return []  # rows of the report itself: nothing else changed
