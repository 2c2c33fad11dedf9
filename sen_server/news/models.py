"""Storage of news tracking: a projection of NEWS reports that lists can walk by index,
and the links between a story and the reports it covers.

A NEWS report keeps its outlet and publication time inside its JSON body, which no index
reaches. ``NewsStory`` copies them into columns (``news.projection``, in the same
transaction as every write of the report), so that the news list is one range scan newest
first, by outlet or not. Links are rows of their own: a story is linked to a report by
public affairs after it is published, without rewriting the story's versions.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from sen_server.models import utc_column


class NewsStory(SQLModel, table=True):
    __tablename__ = "news_story"
    # The list's two orders: every story newest first, and one outlet's newest first.
    __table_args__ = (
        sa.Index("ix_news_story_published", "published_at", "report_id"),
        sa.Index("ix_news_story_outlet_published", "outlet_key", "published_at", "report_id"),
    )
    report_id: str = Field(
        primary_key=True, max_length=32, foreign_key="report.id", ondelete="CASCADE"
    )
    outlet: str = Field(max_length=300)
    # The outlet as the filter matches it: case and spacing do not make another outlet.
    outlet_key: str = Field(max_length=300)
    # When the story was published; until the draft says, when it was recorded.
    published_at: datetime = Field(sa_column=utc_column())


class NewsLink(SQLModel, table=True):
    __tablename__ = "news_link"
    __table_args__ = (
        sa.UniqueConstraint("news_id", "report_id"),
        # A report's coverage (its detail view) is one range of this index.
        sa.Index("ix_news_link_report", "report_id", "news_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    news_id: str = Field(max_length=32, foreign_key="report.id", ondelete="CASCADE")
    report_id: str = Field(max_length=32, foreign_key="report.id", ondelete="CASCADE")
    linked_by_id: int = Field(foreign_key="user.id")
    linked_at: datetime = Field(sa_column=utc_column())
