"""`sen-server demo-data`: the demo organisation plus a month of synthetic reports.

Reports go through the same service functions as the API (with a clock set back in time),
so they are validated, versioned, routed and audited exactly like real ones.
"""

import random
from datetime import UTC, datetime, timedelta

from faker import Faker
from sqlmodel import func, select

from sen_server.accounts import service as accounts
from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.demo.bodies import fake_body
from sen_server.demo.organisation import OFFICES, USERS
from sen_server.models import AuthSession, User
from sen_server.principal import Caller
from sen_server.reports import service as reports
from sen_server.reports.policy import creatable_types
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from shared.catalogue import get_type
from shared.enums import AuditAction, ReportType, Role
from shared.fields import ReviewPolicy
from shared.schemas import ReportCreate

DEMO_ACTOR = AuditActor(username="system:demo-data", roles=("admin",), source="local")
AUTHORS = ["agent.nyc", "officer.nyc", "agent.lax", "officer.lax", "sup.nyc", "iroc.watch", "pao"]


async def build_demo(settings: ServerSettings, password: str, *, reports: int, seed: int) -> str:
    real_now = datetime.now(UTC)
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            if (await session.exec(select(func.count()).select_from(User))).one():
                return "demo data already present; nothing changed"
        await _build_organisation(runtime, password)
        made = await _build_reports(runtime, reports, seed, real_now)
    finally:
        await runtime.engine.dispose()
    return f"demo organisation: {len(OFFICES)} offices, {len(USERS)} accounts; {made} reports"


async def _build_organisation(runtime: Runtime, password: str) -> None:
    async with UnitOfWork(runtime, DEMO_ACTOR) as unit:
        for office in OFFICES:
            await accounts.upsert_office(unit.session, office)
        for spec in USERS:
            await accounts.create_user(unit.session, spec, password, runtime.now(), temporary=False)
        unit.audit(AuditEntry(action=AuditAction.DEMO_ORG, details={"users": len(USERS)}))


async def _callers(runtime: Runtime) -> dict[str, Caller]:
    async with runtime.sessions() as session:
        users = (await session.exec(select(User))).all()
    # In-memory sessions: demo data is written by the services, not through the API.
    return {
        u.username: Caller(
            user=u,
            auth=AuthSession(
                public_id="demo-data",
                token_hash="",
                user_id=u.id or 0,
                created_at=runtime.now(),
                last_seen_at=runtime.now(),
                expires_at=runtime.now(),
            ),
            roles=frozenset(Role(r) for r in u.roles),
            source="local",
        )
        for u in users
    }


async def _build_reports(runtime: Runtime, count: int, seed: int, real_now: datetime) -> int:
    rng, fake = random.Random(seed), Faker("en_US")
    fake.seed_instance(seed)
    callers = await _callers(runtime)
    start = real_now - timedelta(days=30)
    moments = sorted(
        start + timedelta(seconds=rng.uniform(0, 30 * 86400 - 7200)) for _ in range(count)
    )
    made = 0
    for index, moment in enumerate(moments):
        author = callers[AUTHORS[index % len(AUTHORS)]]
        types = sorted(creatable_types(author))
        report_type = ReportType(rng.choice(types))
        runtime.clock = lambda moment=moment: moment  # type: ignore[misc]
        await _one_report(runtime, callers, author, report_type, rng, fake, moment)
        made += 1
    runtime.clock = lambda: datetime.now(UTC)
    return made


async def _one_report(
    runtime: Runtime,
    callers: dict[str, Caller],
    author: Caller,
    report_type: ReportType,
    rng: random.Random,
    fake: Faker,
    moment: datetime,
) -> None:
    spec = get_type(report_type)
    body = fake_body(spec, fake, rng, moment)
    event_at = moment - timedelta(hours=rng.choice([1, 3, 8, 20, 30]))
    title = fake.sentence(nb_words=5).rstrip(".")  # the ID already says the type
    async with UnitOfWork(runtime, author.actor) as unit:
        created = await reports.create_report(
            unit, author, ReportCreate(type=report_type, title=title, event_at=event_at, body=body)
        )
    fate = rng.random()
    if fate < 0.12:
        return  # stays a draft
    supervisor = _supervisor_of(callers, author)
    needs_review = spec.review == ReviewPolicy.MANDATORY or (
        spec.review == ReviewPolicy.ELECTIVE and supervisor is not None and fate < 0.45
    )
    version = created.version
    if needs_review and supervisor is not None:
        async with UnitOfWork(runtime, author.actor) as unit:
            version = (
                await reports.submit_report(unit, author, created.id, version, review=True)
            ).version
        if fate < 0.2:
            return  # waiting in the supervisor's review queue
        async with UnitOfWork(runtime, supervisor.actor) as unit:
            await reports.decide_review(
                unit,
                supervisor,
                created.id,
                version,
                approve=fate >= 0.25,
                comment="Please add the arresting officer's contact details.",
            )
        return
    async with UnitOfWork(runtime, author.actor) as unit:
        await reports.submit_report(unit, author, created.id, version, review=False)


def _supervisor_of(callers: dict[str, Caller], author: Caller) -> Caller | None:
    wanted = author.user.supervisor_id
    return next((c for c in callers.values() if c.user.id == wanted), None)
