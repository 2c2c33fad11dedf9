"""Request and response bodies of news tracking (``/api/v1/news``, SPEC §7).

A story is a NEWS report; its list row and detail carry the story's own fields and the
reports it is linked to, each only if the reader may read it."""

from datetime import datetime

from pydantic import BaseModel, Field

from shared.enums import ReportStatus, ReportType
from shared.schemas import Strict

MAX_OUTLET = 300


class LinkedReport(BaseModel):
    """A report a story covers, as its reader may see it: the envelope, never the body."""

    id: str
    type: ReportType
    status: ReportStatus
    title: str


class NewsStoryPublic(BaseModel):
    id: str  # the NEWS report's id
    status: ReportStatus
    headline: str
    outlet: str
    url: str | None = None
    # When the story was published (until a draft says, when it was recorded).
    published_at: datetime
    summary: str = ""
    linked: list[LinkedReport] = Field(default_factory=list)


class NewsPage(BaseModel):
    """Stories newest first. ``next_cursor`` asks for the page after this one; None: last."""

    items: list[NewsStoryPublic]
    next_cursor: str | None = None
    limit: int


class NewsLinkCreate(Strict):
    """Link a story to a report the caller may read, by the report's ID."""

    report_id: str = Field(max_length=64)


class StoryCoverage(BaseModel):
    """``GET /api/v1/reports/{id}/news``: the stories linked to a report that the caller
    may read (none for a reader who reads no NEWS)."""

    report_id: str
    items: list[NewsStoryPublic]
