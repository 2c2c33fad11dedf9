"""News tracking rules (SPEC §7): the story list, a story, links to the reports it covers,
and a report's coverage. Every read and change is audited; nothing here knows HTTP.

A story is a NEWS report, so who reads it is the reports' read rule; a report is linked only
if the caller may read it, and shown on a story only to those who may read it. Refusing an
ID the caller may not read says the same as refusing one that does not exist, so IDs don't
leak."""

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.sql.expression import Select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.models import Report
from sen_server.news.cursor import decode_news_cursor, encode_news_cursor
from sen_server.news.models import NewsLink, NewsStory
from sen_server.news.projection import outlet_key
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.reports.common import denied
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, ReportStatus, ReportType
from shared.news import LinkedReport, NewsPage, NewsStoryPublic, StoryCoverage
from shared.schemas import FieldError

A = AuditAction
_REPORT_ID = re.compile(r"[A-Z_]+-\d{4}-\d{6,}")
RELATED = "Related report"
MAX_OUTLETS = 200
# Index walks one list request may make past rows the caller may not read.
MAX_WALKS = 10


@dataclass(frozen=True)
class NewsFilters:
    outlet: str | None = None
    since: datetime | None = None  # inclusive, on the publication time
    until: datetime | None = None  # exclusive
    cursor: str | None = None
    limit: int = 50


def _story_entry(
    action: str, news_id: str, outcome: str = "success", **details: object
) -> AuditEntry:
    return AuditEntry(
        action=action, outcome=outcome, object_type="report", object_id=news_id, details=details
    )


def _check_window(filters: NewsFilters) -> None:
    if filters.since and filters.until and filters.since >= filters.until:
        message = "must be later than From (the time range is reversed or empty)"
        raise validation_failed([FieldError(field="until", label="Until", message=message)])


async def list_stories(unit: UnitOfWork, caller: Caller, filters: NewsFilters) -> NewsPage:
    """Newest first by publication time, one page: a walk of one of ``news_story``'s
    indexes (by outlet or not), in order, each row joined to its report by key.

    The read rule is selected, not filtered on (as ``policy.readable_report_ids`` does):
    given the rule's OR in the WHERE, a planner would rather walk the reports' own indexes
    and sort every story the caller may read. Rows the caller may not read (another
    author's draft) are skipped and the walk goes on from where it stopped."""
    _check_window(filters)
    facts = await policy.reader_facts(unit.session, caller)
    published = col(NewsStory.published_at)
    conditions = []
    if filters.outlet:
        conditions.append(col(NewsStory.outlet_key) == outlet_key(filters.outlet))
    if filters.since:
        conditions.append(published >= filters.since)
    if filters.until:
        conditions.append(published < filters.until)
    position = decode_news_cursor(filters.cursor) if filters.cursor else None
    readable = policy.read_condition(caller, facts).label("readable")
    rows: list[tuple[NewsStory, Report]] = []
    exhausted = False
    for _ in range(MAX_WALKS):
        statement = story_walk(readable, conditions, position, filters.limit + 1)
        batch = (await unit.session.exec(statement)).all()
        rows += [(story, report) for story, report, allowed in batch if allowed]
        exhausted = len(batch) <= filters.limit
        if batch:
            last_story = batch[-1][0]
            position = (last_story.published_at, last_story.report_id)
        if exhausted or len(rows) > filters.limit:
            break
    page = rows[: filters.limit]
    next_cursor = None
    if len(rows) > filters.limit:
        last = page[-1][0]
        next_cursor = encode_news_cursor(last.published_at, last.report_id)
    elif not exhausted and position is not None:
        # The walk's bound was reached before a full page: the next page goes on from there.
        next_cursor = encode_news_cursor(*position)
    linked = await _linked_reports(unit, caller, [report.id for _, report in page])
    items = [_story_public(story, report, linked.get(report.id, [])) for story, report in page]
    unit.audit(
        AuditEntry(
            action=A.NEWS_LIST,
            details={
                # Which filters were used, not what was typed into them: no audit record
                # repeats a submitted value (the stories shown say what was seen).
                "filters": [
                    name
                    for name, value in (
                        ("outlet", filters.outlet),
                        ("since", filters.since),
                        ("until", filters.until),
                    )
                    if value
                ],
                "paged": filters.cursor is not None,
                "shown": [item.id for item in items],
            },
        )
    )
    return NewsPage(items=items, next_cursor=next_cursor, limit=filters.limit)


def story_walk(
    readable: sa.Label[bool],
    conditions: list[sa.ColumnElement[bool]],
    position: tuple[datetime, str] | None,
    limit: int,
) -> Select[NewsStory, Report, bool]:
    """One walk of the list's index, newest first from ``position`` (exclusive)."""
    published = col(NewsStory.published_at)
    after = []
    if position is not None:
        after = [sa.tuple_(published, col(NewsStory.report_id)) < position]
    return (
        select(NewsStory, Report, readable)
        .join(Report, col(Report.id) == col(NewsStory.report_id))
        .where(*conditions, *after)
        .order_by(published.desc(), col(NewsStory.report_id).desc())
        .limit(limit)
    )


async def outlets(unit: UnitOfWork, caller: Caller) -> list[str]:
    """The outlets of the stories the caller may read, for the filter dialog to offer."""
    facts = await policy.reader_facts(unit.session, caller)
    statement = (
        select(func.min(NewsStory.outlet))
        .join(Report, col(Report.id) == col(NewsStory.report_id))
        .where(policy.read_condition(caller, facts), col(NewsStory.outlet_key) != "")
        .group_by(col(NewsStory.outlet_key))
        .order_by(col(NewsStory.outlet_key))
        .limit(MAX_OUTLETS)
    )
    names = [str(name) for name in (await unit.session.exec(statement)).all()]
    unit.audit(AuditEntry(action=A.NEWS_OUTLETS, details={"count": len(names)}))
    return names


async def get_story(unit: UnitOfWork, caller: Caller, news_id: str) -> NewsStoryPublic:
    story, report = await _readable_story(unit, caller, news_id, A.NEWS_VIEW)
    linked = await _linked_reports(unit, caller, [news_id])
    unit.audit(_story_entry(A.NEWS_VIEW, news_id, linked=[r.id for r in linked.get(news_id, [])]))
    return _story_public(story, report, linked.get(news_id, []))


async def link_report(
    unit: UnitOfWork, caller: Caller, news_id: str, report_id: str
) -> NewsStoryPublic:
    await _readable_story(unit, caller, news_id, A.NEWS_LINK)
    target = report_id.strip().upper()
    problem = None
    if not _REPORT_ID.fullmatch(target):
        problem = "is not a report ID, e.g. SIR-2026-000042"
    else:
        report = await policy.readable_report(unit.session, caller, target)
        if report is None:
            problem = "is not the ID of a report you may read"
        elif report.type == ReportType.NEWS:
            problem = "is a news story: link the reports a story covers"
        elif await _link(unit, news_id, target) is not None:
            problem = "is already linked to this story"
    if problem is not None:
        # Audited with the story only: what was typed may be anything (a name, say).
        refusal = _story_entry(A.NEWS_LINK, news_id, "denied", reason="not_linkable")
        raise ApiError(
            422,
            "validation_failed",
            f"Please correct: {RELATED}.",
            errors=[FieldError(field="report_id", label=RELATED, message=problem)],
            audit=refusal,
        )
    unit.session.add(
        NewsLink(
            news_id=news_id, report_id=target, linked_by_id=caller.id, linked_at=unit.runtime.now()
        )
    )
    await unit.session.flush()
    unit.audit(_story_entry(A.NEWS_LINK, news_id, report_id=target))
    return await _story_now(unit, caller, news_id)


async def unlink_report(
    unit: UnitOfWork, caller: Caller, news_id: str, report_id: str
) -> NewsStoryPublic:
    await _readable_story(unit, caller, news_id, A.NEWS_UNLINK)
    link = await _link(unit, news_id, report_id)
    if link is None or not await policy.readable_report(unit.session, caller, report_id):
        raise ApiError(
            404,
            "not_linked",
            f"{news_id} is not linked to that report.",
            audit=_story_entry(A.NEWS_UNLINK, news_id, "denied", reason="not_linked"),
        )
    await unit.session.delete(link)
    await unit.session.flush()
    unit.audit(_story_entry(A.NEWS_UNLINK, news_id, report_id=report_id))
    return await _story_now(unit, caller, news_id)


async def report_coverage(unit: UnitOfWork, caller: Caller, report_id: str) -> StoryCoverage:
    """The stories linked to a report, for a reader who may read the report and the
    story both (SPEC §7); the report itself answers 404 to anyone who may not read it."""
    if await policy.readable_report(unit.session, caller, report_id) is None:
        raise denied(A.REPORT_NEWS, report_id)
    facts = await policy.reader_facts(unit.session, caller)
    statement = (
        select(NewsStory, Report)
        .join(NewsLink, col(NewsLink.news_id) == col(NewsStory.report_id))
        .join(Report, col(Report.id) == col(NewsStory.report_id))
        .where(col(NewsLink.report_id) == report_id, policy.read_condition(caller, facts))
        .order_by(col(NewsStory.published_at).desc(), col(NewsStory.report_id).desc())
    )
    rows = (await unit.session.exec(statement)).all()
    items = [_story_public(story, report, []) for story, report in rows]
    unit.audit(
        AuditEntry(
            action=A.REPORT_NEWS,
            object_type="report",
            object_id=report_id,
            details={"stories": [item.id for item in items]},
        )
    )
    return StoryCoverage(report_id=report_id, items=items)


# ---- pieces --------------------------------------------------------------------------


async def _readable_story(
    unit: UnitOfWork, caller: Caller, news_id: str, action: str
) -> tuple[NewsStory, Report]:
    report = await policy.readable_report(unit.session, caller, news_id)
    story = await unit.session.get(NewsStory, news_id) if report is not None else None
    if report is None or story is None:
        raise denied(action, news_id)
    return story, report


async def _story_now(unit: UnitOfWork, caller: Caller, news_id: str) -> NewsStoryPublic:
    story, report = await _readable_story(unit, caller, news_id, A.NEWS_VIEW)
    linked = await _linked_reports(unit, caller, [news_id])
    return _story_public(story, report, linked.get(news_id, []))


async def _link(unit: UnitOfWork, news_id: str, report_id: str) -> NewsLink | None:
    statement = select(NewsLink).where(
        col(NewsLink.news_id) == news_id, col(NewsLink.report_id) == report_id
    )
    return (await unit.session.exec(statement)).first()


async def _linked_reports(
    unit: UnitOfWork, caller: Caller, news_ids: list[str]
) -> dict[str, list[LinkedReport]]:
    """The reports linked to these stories that the caller may read, by story."""
    if not news_ids:
        return {}
    facts = await policy.reader_facts(unit.session, caller)
    statement = (
        select(NewsLink.news_id, Report)
        .join(Report, col(Report.id) == col(NewsLink.report_id))
        .where(col(NewsLink.news_id).in_(news_ids), policy.read_condition(caller, facts))
        .order_by(col(NewsLink.news_id), col(NewsLink.linked_at), col(NewsLink.id))
    )
    linked: dict[str, list[LinkedReport]] = {}
    for news_id, report in (await unit.session.exec(statement)).all():
        linked.setdefault(news_id, []).append(
            LinkedReport(
                id=report.id,
                type=ReportType(report.type),
                status=ReportStatus(report.status),
                title=report.title,
            )
        )
    return linked


def _story_public(story: NewsStory, report: Report, linked: list[LinkedReport]) -> NewsStoryPublic:
    body = report.body
    return NewsStoryPublic(
        id=report.id,
        status=ReportStatus(report.status),
        headline=str(body.get("headline") or report.title),
        outlet=story.outlet,
        url=str(body["url"]) if body.get("url") else None,
        published_at=story.published_at,
        summary=str(body.get("summary") or ""),
        linked=linked,
    )
