"""`sen-server demo-data --progress`, as `sen demo` runs it: the progress lines it prints
while building, and demo data that went through the same rules as real reports (versions,
routing, the search index, one valid audit chain) although many reports share a
transaction."""

import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlmodel import func, select

from sen_server.app import create_app
from sen_server.audit.verify import verify_chain
from sen_server.demo.bodies import CLOSED_DISPOSITIONS, demo_faker, fake_body
from sen_server.demo.organisation import USERS
from sen_server.models import AuditRecord, Delivery, Event, Report, ReportVersion, User
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from shared.catalogue import CATALOGUE, get_type
from shared.enums import AuditAction, ReportStatus, ReportType
from shared.validation import validate_body

PASSWORD = "synthetic-demo-pass-2026"
REPORTS = 120  # enough for SPEARs in every state
ARGS = ("--reports", str(REPORTS), "--progress")


def demo_data(settings: ServerSettings) -> list[str]:
    env = dict(os.environ)
    env.update(
        SEN_DATA_DIR=str(settings.data_dir),
        SEN_CONFIG="/nonexistent",
        SEN_DEMO_PASSWORD=PASSWORD,
        SEN_SQLITE_SYNCHRONOUS="NORMAL",
    )
    env.pop("SEN_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "sen_server.cli", "demo-data", *ARGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


async def test_progress_comes_in_order_and_the_data_keeps_every_rule(
    sqlite_settings: ServerSettings,
) -> None:
    built_at = datetime.now(UTC)
    lines = demo_data(sqlite_settings)

    # database ready → the accounts → organisation → reports, batch by batch → summary
    assert lines[0] == "database: ready"
    accounts = [line.split()[1] for line in lines if line.startswith("account: ")]
    assert sorted(accounts) == sorted(u.username for u in USERS)
    organisation = lines.index(next(x for x in lines if x.startswith("organisation: ")))
    assert organisation == len(accounts) + 1
    made = [int(x.split()[1]) for x in lines if x.startswith("reports: ")]
    assert made == sorted(made) and made[-1] == REPORTS
    assert lines[-1].endswith(f"; {REPORTS} reports")

    runtime = Runtime.build(sqlite_settings)
    try:
        async with runtime.sessions() as session:
            result = await verify_chain(
                session,
                runtime.signer,
                checkpoint_every=sqlite_settings.audit_checkpoint_every,
            )
            assert result.ok, result.problem
            reports = (await session.exec(select(Report))).all()
            assert len(reports) == REPORTS
            for report in reports:
                versions = (
                    await session.exec(
                        select(func.count()).where(ReportVersion.report_id == report.id)
                    )
                ).one()
                assert versions == report.version, report.id
                records = (
                    await session.exec(
                        select(AuditRecord.action).where(AuditRecord.object_id == report.id)
                    )
                ).all()
                # Linking a story to a report is news tracking, not a write of the story.
                records = [r for r in records if not r.startswith("news.")]
                assert AuditAction.REPORT_CREATE in records, report.id
                assert len(records) == report.revision, report.id  # one record per write
                indexed = (
                    await session.exec(
                        text("SELECT count(*) FROM report_fts WHERE report_id = :id").bindparams(
                            id=report.id
                        )  # type: ignore[call-overload]
                    )
                ).one()
                assert indexed[0] == 1, report.id
                if report.status == ReportStatus.SUBMITTED:
                    delivered = (
                        await session.exec(
                            select(func.count()).where(Delivery.report_id == report.id)
                        )
                    ).one()
                    assert delivered > 0, report.id
            for report in reports:
                if report.type == ReportType.SPEAR:  # a plan: dated after it was written
                    assert report.event_at is not None and report.event_at > report.created_at
                    if report.status != ReportStatus.SUBMITTED:  # and not yet past, if open
                        assert report.event_at > built_at, report.id
                elif report.event_at is not None:
                    assert report.event_at <= report.created_at, report.id
            open_plans = [
                r
                for r in reports
                if r.type == ReportType.SPEAR and r.status != ReportStatus.SUBMITTED
            ]
            assert open_plans, "no SPEAR waits for approval: the plan dates went unchecked"
            submitted = [r for r in reports if r.status == ReportStatus.SUBMITTED]
            assert submitted, "a month of demo data has submitted reports"
            events = (await session.exec(select(func.count()).select_from(Event))).one()
            assert events >= len(submitted)
            # One password for every demo account by design, hashed once.
            hashes = set((await session.exec(select(User.password_hash))).all())
            assert len(hashes) == 1
    finally:
        await runtime.engine.dispose()

    async with AsyncTestClient(app=create_app(sqlite_settings)) as client:
        for username in ("agent.nyc", "iroc.watch"):
            answer: Any = await client.post(
                "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert answer.status_code == 200, answer.text


def _persons(body: Any) -> list[dict[str, Any]]:
    """Every block of a body that has both an age and a date of birth."""
    found = []
    if isinstance(body, list):
        for item in body:
            found += _persons(item)
    elif isinstance(body, dict):
        if "age" in body and "date_of_birth" in body:
            found.append(body)
        for value in body.values():
            found += _persons(value)
    return found


def test_synthetic_bodies_are_valid_and_agree_with_themselves() -> None:
    fake, rng = demo_faker(11), random.Random(11)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    for spec in CATALOGUE.types:
        for _ in range(15):
            body = fake_body(spec, fake, rng, now)
            # Events from a day before the report (an incident) to weeks after (a plan):
            # the stated ages hold on all of them.
            for event_at in (now - timedelta(hours=30), now, now + timedelta(days=21)):
                _, errors = validate_body(
                    get_type(spec.code), body, for_submit=True, event_at=event_at
                )
                assert not errors, (spec.code, errors)
            for person in _persons(body):
                born = date.fromisoformat(person["date_of_birth"])
                today = now.date()
                age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
                assert age == person["age"], person
            if spec.code == "OPPRED":  # a crime against a minor: an arrest or a seizure
                assert body["category"] in ("arrest", "seizure"), body["category"]
                assert "minor" in body["narrative"] or "child" in body["narrative"]
            if spec.code == "LEARA":
                received = datetime.fromisoformat(body["received_at"])
                assert received <= now
                if body["disposition_status"] in CLOSED_DISPOSITIONS:
                    completed = datetime.fromisoformat(body["completed_at"])
                    assert received <= completed <= now
                    assert body["disposition_narrative"]
                else:
                    assert "completed_at" not in body
            agency = body.get("requesting_agency")
            if agency is not None:
                assert agency["level"] != "federal" or agency["name"].startswith(
                    ("U.S.", "Drug", "Federal", "Bureau")
                )
