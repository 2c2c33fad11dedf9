"""Fixed data for snapshot tests: the demo organisation plus a handful of reports written
through the real API with a frozen clock, so that every ID, time and version is the same on
every run. The server process then serves this database with its own (real) clock; what
the snapshots show was all written here."""

from datetime import UTC, datetime
from typing import Any

from litestar.testing import AsyncTestClient

from sen_server.accounts import service as accounts
from sen_server.app import create_app
from sen_server.audit.writer import AuditActor
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.demo import DEMO_PASSWORD, seed_demo
from tests.tui.bodies import EVENT_AT, leara_body, sir_body, spot_body

DATA_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEMPORARY_USER = "temp.user"
TEMPORARY_PASSWORD = "temporary-pass-2026"
# Logs in only in the Rules of Behavior snapshot, which never acknowledges them.
RULES_USER = "new.agent"
# Acts only while the data is written (returns a report): the audit snapshot shows them.
SEEDING_ONLY_USER = "sdo.lax"
# Drafts that the conflict snapshots change under the form, one per terminal size.
CONFLICT_DRAFT_TITLES = {"80x24": "Planned search, first", "120x36": "Planned search, second"}


async def seed_snapshot_data(settings: ServerSettings) -> dict[str, str]:
    """Returns the IDs of the reports, by role in the snapshots."""
    await seed_demo(settings, reports=0)
    await _extra_accounts(settings)
    clock = FakeClock(DATA_TIME)
    ids: dict[str, str] = {}
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        agent = await login(client, "agent.nyc")
        officer = await login(client, "officer.nyc")
        agent_lax = await login(client, "agent.lax")
        officer_lax = await login(client, "officer.lax")
        sdo_lax = await login(client, "sdo.lax")

        async def post(headers: dict[str, str], path: str, payload: dict[str, Any]) -> Any:
            clock.advance(minutes=1)  # well inside the 30-minute idle timeout
            response = await client.post(f"/api/v1{path}", json=payload, headers=headers)
            assert response.is_success, response.text
            return response.json()

        async def create(headers: dict[str, str], payload: dict[str, Any]) -> Any:
            return await post(headers, "/reports", payload)

        seizure = await create(
            agent,
            {
                "type": "SIR",
                "title": "Seizure of counterfeit goods at the port",
                "event_at": "2026-03-02T06:15:00Z",
                "case_number": "NY-2026-0142",
                "body": sir_body(subjects=2),
            },
        )
        seizure = await post(
            agent, f"/reports/{seizure['id']}/submit", {"base_revision": seizure["revision"]}
        )
        body = sir_body(subjects=2)
        body["seized_property"] = [
            {"description": "Counterfeit handbags", "quantity": "240", "unit": "each"}
        ]
        await post(
            agent,
            f"/reports/{seizure['id']}/amend",
            {
                "base_revision": seizure["revision"],
                "reason": "Added the seized property",
                "body": body,
            },
        )
        ids["submitted"] = seizure["id"]

        arrest = await create(
            agent,
            {
                "type": "SIR",
                "title": "Arrest of a fugitive at a traffic stop",
                "event_at": "2026-03-02T07:40:00Z",
                "body": sir_body(subjects=1),
            },
        )
        await post(
            agent, f"/reports/{arrest['id']}/request-review", {"base_revision": arrest["revision"]}
        )
        ids["in_review"] = arrest["id"]

        spot = await create(
            officer,
            {
                "type": "SPOT",
                "title": "Bomb threat called in to the field office",
                "event_at": "2026-03-02T08:05:00Z",
                "body": spot_body(),
            },
        )
        await post(officer, f"/reports/{spot['id']}/submit", {"base_revision": spot["revision"]})
        ids["spot"] = spot["id"]

        leara = await create(
            agent,
            {
                "type": "LEARA",
                "title": "County sheriff asks for a K-9 unit",
                "priority": "priority",
                "body": {"requesting_agency": {"name": "County Sheriff", "level": "local"}},
            },
        )
        ids["draft"] = leara["id"]

        for size, title in CONFLICT_DRAFT_TITLES.items():
            draft = await create(
                agent_lax, {"type": "SIR", "title": title, "event_at": "2026-03-01T10:00:00Z"}
            )
            ids[f"conflict-{size}"] = draft["id"]

        # officer.lax's screens: nobody else's snapshot shows their reports.
        delayed = await create(
            officer_lax,
            {
                "type": "SIR",
                "title": "Detainee transfer delayed by weather",
                "event_at": EVENT_AT,
                "body": sir_body(subjects=1),
            },
        )
        path = f"/reports/{delayed['id']}"
        delayed = await post(officer_lax, f"{path}/request-review", {"base_revision": 1})
        comment = "Add the name of the transport officer."
        await post(sdo_lax, f"{path}/return", {"base_revision": 2, "comment": comment})
        ids["returned"] = delayed["id"]

        checkpoint = await create(
            officer_lax,
            {
                "type": "LEARA",
                "title": "Sheriff asks for help at a checkpoint",
                "event_at": EVENT_AT,
                "body": leara_body(),
            },
        )
        await post(officer_lax, f"/reports/{checkpoint['id']}/submit", {"base_revision": 1})
        ids["leara"] = checkpoint["id"]
    return ids


async def _extra_accounts(settings: ServerSettings) -> None:
    """An account whose first login must change its password (SPEC §10), and one that has
    never acknowledged the Rules of Behavior."""
    runtime = Runtime.build(settings)
    try:
        async with UnitOfWork(runtime, AuditActor(username="test", source="local")) as unit:
            for username, name, password, temporary in (
                (TEMPORARY_USER, "Temporary User (demo)", TEMPORARY_PASSWORD, True),
                (RULES_USER, "New Agent (demo)", DEMO_PASSWORD, False),
            ):
                spec = accounts.UserSpec(
                    username=username,
                    display_name=name,
                    program="HSI",
                    roles=["agent"],
                    office="RAC-LI",
                    supervisor="sup.nyc",
                )
                await accounts.create_user(
                    unit.session, spec, password, runtime.now(), temporary=temporary
                )
    finally:
        await runtime.engine.dispose()
