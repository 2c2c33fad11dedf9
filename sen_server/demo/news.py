"""Demo news coverage: public affairs links some published stories to the published SIRs
they are about, through the news service, so the demo's news workspace and SIR details show
coverage as they would in use (SPEC §7)."""

import random

from sqlmodel import col, select

from sen_server.models import Report
from sen_server.news import service as news
from sen_server.principal import Caller
from sen_server.runtime import Runtime
from sen_server.unit import UnitOfWork
from shared.enums import ReportStatus, ReportType

LINKED_SHARE = 0.6  # of the published stories, those linked to one or two SIRs


async def link_demo_stories(runtime: Runtime, pao: Caller, seed: int) -> int:
    rng = random.Random(seed)
    published = col(Report.status) == ReportStatus.SUBMITTED
    async with runtime.sessions() as session, session.begin():
        stories = (
            await session.exec(
                select(Report.id).where(col(Report.type) == ReportType.NEWS, published)
            )
        ).all()
        sirs = (
            await session.exec(
                select(Report.id).where(col(Report.type) == ReportType.SIR, published)
            )
        ).all()
        if not sirs:
            return 0
        made = 0
        for story_id in sorted(stories):
            if rng.random() >= LINKED_SHARE:
                continue
            for sir_id in rng.sample(sorted(sirs), k=min(len(sirs), rng.choice([1, 1, 2]))):
                async with UnitOfWork(runtime, pao.actor, within=session) as unit:
                    await news.link_report(unit, pao, story_id, sir_id)
                made += 1
    return made
