"""`sen-server demo-data`: the demo organisation plus a month of synthetic reports.

Reports go through the same service functions as the API (with a clock set back in time),
so they are validated, versioned, routed, indexed and audited exactly like real ones. Each
step is its own unit of work, as a request would be, but many reports' units share one
transaction (``UnitOfWork(within=…)``) that commits every fraction of a second: a commit per
step made the demo wait on hundreds of small transactions, while one transaction for all
would hold SQLite's write lock against a server started alongside (`sen demo` starts the
server as soon as the organisation exists and lets the reports arrive while users log in).
"""

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from faker import Faker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.accounts import service as accounts
from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.auth.passwords import hash_password
from sen_server.demo.agencies import seed_agencies
from sen_server.demo.bodies import demo_faker, fake_body, fake_title
from sen_server.demo.news import link_demo_stories
from sen_server.demo.organisation import OFFICES, USERS
from sen_server.models import AuthSession, Office, User
from sen_server.principal import Caller
from sen_server.reports import service as reports
from sen_server.reports.policy import creatable_types
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.summaries.demo import seed_lists
from sen_server.unit import UnitOfWork
from shared.catalogue import get_type
from shared.enums import AuditAction, ReportType, Role
from shared.fields import ReviewPolicy
from shared.schemas import ReportCreate

DEMO_ACTOR = AuditActor(username="system:demo-data", roles=("admin",), source="local")
AUTHORS = ["agent.nyc", "officer.nyc", "agent.lax", "officer.lax", "sup.nyc", "iroc.watch", "pao"]
# A transaction closes after this long (or BATCH_REPORTS reports): short enough that a
# server writing alongside waits little for SQLite's one write lock.
BATCH_SECONDS = 0.25
BATCH_REPORTS = 50

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


async def build_demo(
    settings: ServerSettings,
    password: str,
    *,
    reports: int,
    seed: int,
    progress: Progress = _quiet,
) -> str:
    """Build the organisation, then the reports. ``progress`` is told, as they happen:
    ``database: ready`` once the schema and the audit signing key exist (a server may
    run alongside: `sen demo` starts one at the same moment as the build), then
    ``account: <username> <program> <roles> <office>`` for each account once the
    organisation is committed, then ``organisation: …`` (users can log in from then on),
    then ``reports: <made> of <wanted>`` after each committed batch."""
    real_now = datetime.now(UTC)
    runtime = Runtime.build(settings)
    try:
        async with runtime.sessions() as session:
            if (await session.exec(select(func.count()).select_from(User))).one():
                return "demo data already present; nothing changed"
        # The schema is migrated and the signing key exists: a server may start now.
        progress("database: ready")
        await _build_organisation(runtime, password)
        await seed_agencies(runtime, DEMO_ACTOR)
        await _announce_accounts(runtime, progress)
        made = await _build_reports(runtime, reports, seed, real_now, progress)
        await link_demo_stories(runtime, (await _callers(runtime))["pao"], seed)
    finally:
        await runtime.engine.dispose()
    return f"demo organisation: {len(OFFICES)} offices, {len(USERS)} accounts; {made} reports"


async def _build_organisation(runtime: Runtime, password: str) -> None:
    # Every demo account has the same password by design (SPEC §11: the one given to
    # demo-data), so it is hashed once and the hash shared: 24 Argon2 hashes took seconds.
    # A shared hash (and salt) tells nothing that the shared password does not.
    shared_hash = hash_password(password)
    async with UnitOfWork(runtime, DEMO_ACTOR) as unit:
        for office in OFFICES:
            await accounts.upsert_office(unit.session, office)
        for spec in USERS:
            await accounts.create_user(
                unit.session,
                spec,
                password,
                runtime.now(),
                temporary=False,
                password_hash=shared_hash,
            )
        await seed_lists(unit.session, runtime.now())
        unit.audit(AuditEntry(action=AuditAction.DEMO_ORG, details={"users": len(USERS)}))


async def _announce_accounts(runtime: Runtime, progress: Progress) -> None:
    """The accounts as committed (the columns of `sen-server user list`)."""
    async with runtime.read_sessions() as session:
        rows = (
            await session.exec(select(User, Office.code).outerjoin(Office).order_by(User.username))
        ).all()
    for user, office in rows:
        progress(f"account: {user.username} {user.program} {','.join(user.roles)} {office or '-'}")
    progress(f"organisation: {len(OFFICES)} offices, {len(rows)} accounts")


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


async def _build_reports(
    runtime: Runtime, count: int, seed: int, real_now: datetime, progress: Progress
) -> int:
    rng, fake = random.Random(seed), demo_faker(seed)
    callers = await _callers(runtime)
    start = real_now - timedelta(days=30)
    moments = sorted(
        start + timedelta(seconds=rng.uniform(0, 30 * 86400 - 7200)) for _ in range(count)
    )
    made = 0
    try:
        while made < count:
            async with runtime.sessions() as session, session.begin():
                opened, first = time.monotonic(), made
                while made < count and made - first < BATCH_REPORTS:
                    moment = moments[made]
                    author = callers[AUTHORS[made % len(AUTHORS)]]
                    report_type = ReportType(rng.choice(sorted(creatable_types(author))))
                    runtime.clock = lambda moment=moment: moment  # type: ignore[misc]
                    await _one_report(
                        _Batch(runtime, session),
                        callers,
                        author,
                        report_type,
                        rng,
                        fake,
                        (moment, real_now),
                    )
                    made += 1
                    if time.monotonic() - opened >= BATCH_SECONDS:
                        break
            progress(f"reports: {made} of {count}")
    finally:
        runtime.clock = lambda: datetime.now(UTC)
    return made


class _Batch:
    """Units of work for one report's steps, all in the batch's open transaction."""

    def __init__(self, runtime: Runtime, session: AsyncSession) -> None:
        self.runtime = runtime
        self.session = session

    def unit(self, caller: Caller) -> UnitOfWork:
        return UnitOfWork(self.runtime, caller.actor, within=self.session)


async def _one_report(
    batch: _Batch,
    callers: dict[str, Caller],
    author: Caller,
    report_type: ReportType,
    rng: random.Random,
    fake: Faker,
    when: tuple[datetime, datetime],
) -> None:
    moment, real_now = when  # when the report is written; when the demo is built
    spec = get_type(report_type)
    body = fake_body(spec, fake, rng, moment)
    fate = rng.random()  # < 0.12 a draft; < 0.2 in review; < 0.25 returned; else decided
    if report_type == ReportType.SPEAR:  # a plan: the activity is days ahead of the report
        event_at = moment + timedelta(days=rng.randint(2, 21), hours=rng.randint(5, 20))
        if fate < 0.25:  # not approved yet: a plan still ahead, not one whose day has passed
            event_at = max(event_at, real_now + timedelta(days=rng.randint(1, 14), hours=3))
    else:
        event_at = moment - timedelta(hours=rng.choice([1, 3, 8, 20, 30]))
    title = fake_title(spec, body)
    async with batch.unit(author) as unit:
        created = await reports.create_report(
            unit, author, ReportCreate(type=report_type, title=title, event_at=event_at, body=body)
        )
    if fate < 0.12:
        return  # stays a draft
    supervisor = _supervisor_of(callers, author)
    needs_review = spec.review == ReviewPolicy.MANDATORY or (
        spec.review == ReviewPolicy.ELECTIVE and supervisor is not None and fate < 0.45
    )
    revision = created.revision
    if needs_review and supervisor is not None:
        async with batch.unit(author) as unit:
            revision = (
                await reports.submit_report(unit, author, created.id, revision, review=True)
            ).revision
        if fate < 0.2:
            return  # waiting in the supervisor's review queue
        async with batch.unit(supervisor) as unit:
            await reports.decide_review(
                unit,
                supervisor,
                created.id,
                revision,
                approve=fate >= 0.25,
                comment="Please add the arresting officer's contact details.",
            )
        return
    async with batch.unit(author) as unit:
        await reports.submit_report(unit, author, created.id, revision, review=False)


def _supervisor_of(callers: dict[str, Caller], author: Caller) -> Caller | None:
    wanted = author.user.supervisor_id
    return next((c for c in callers.values() if c.user.id == wanted), None)
