"""Keeps ``news_story`` in step with NEWS reports; called on every write of a report
(``reports.search.index_report``), in the same transaction."""

from datetime import datetime

from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Report
from sen_server.news.models import NewsLink, NewsStory
from shared.enums import ReportType


def outlet_key(outlet: str) -> str:
    """What the outlet filter compares: "The  Herald" and "the herald" are one outlet."""
    return " ".join(outlet.split()).casefold()


def _published_at(report: Report) -> datetime:
    text = report.body.get("published_at")
    if isinstance(text, str):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            when = None
        if when is not None and when.tzinfo is not None:
            return when
    return report.created_at


async def project_story(session: AsyncSession, report: Report) -> None:
    if report.type != ReportType.NEWS:
        return
    outlet = " ".join(str(report.body.get("outlet") or "").split())[:300]
    story = await session.get(NewsStory, report.id)
    if story is None:
        story = NewsStory(
            report_id=report.id, outlet="", outlet_key="", published_at=report.created_at
        )
    story.outlet = outlet
    story.outlet_key = outlet_key(outlet)
    story.published_at = _published_at(report)
    session.add(story)


async def forget_story(session: AsyncSession, report_id: str) -> None:
    """A report leaves the system (a draft deleted): its story row and links go with it."""
    await session.exec(delete(NewsLink).where(col(NewsLink.news_id) == report_id))
    await session.exec(delete(NewsLink).where(col(NewsLink.report_id) == report_id))
    await session.exec(delete(NewsStory).where(col(NewsStory.report_id) == report_id))
