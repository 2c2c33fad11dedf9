"""A server whose database connections are all busy answers 503 ``server_busy`` with a
Retry-After once it has waited ``db_pool_wait_seconds`` (not a 500), shows and changes
nothing, and answers again as soon as a connection is free; and more concurrent requests
than connections never wait on each other for one (tests/e2e/test_pool_starvation.py). On
SQLite and PostgreSQL."""

from contextlib import AsyncExitStack
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import func, select

from sen_server.app import create_app
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock


async def _hold_every_connection(runtime: Runtime, stack: AsyncExitStack) -> int:
    """Check out connections until the pool has none left; how many that took."""
    held = 0
    while True:
        try:
            await stack.enter_async_context(runtime.engine.connect())
        except PoolTimeout:
            return held
        held += 1


async def _audit_count(runtime: Runtime) -> int:
    async with runtime.read_sessions() as session:
        return (await session.exec(select(func.count()).select_from(AuditRecord))).one()


async def test_a_request_finding_every_connection_busy_is_answered_503_and_changes_nothing(
    demo_settings: ServerSettings, clock: FakeClock
) -> None:
    settings = demo_settings.model_copy(update={"db_pool_wait_seconds": 0.3})
    app = create_app(settings, clock=clock)
    async with AsyncTestClient(app=app) as client:
        runtime: Runtime = app.state.runtime
        headers = await login(client, "agent.nyc")
        report = await flows.create(client, headers, "SIR", clock())
        report_id, revision = report["id"], report["revision"]
        # The pool belongs to the app's event loop, which runs in the client's portal.
        portal, stack = client.blocking_portal, AsyncExitStack()
        records = portal.call(_audit_count, runtime)
        try:
            assert portal.call(_hold_every_connection, runtime, stack) > 0
            busy: Any = await client.get(f"/api/v1/reports/{report_id}", headers=headers)
            refused_write = await client.delete(
                f"/api/v1/reports/{report_id}?base_revision={revision}", headers=headers
            )
        finally:
            portal.call(stack.aclose)

        for answer in (busy, refused_write):
            assert answer.status_code == 503, answer.text
            assert answer.json()["reason"] == "server_busy"
            assert answer.headers["retry-after"] == "5"
        assert portal.call(_audit_count, runtime) == records  # nothing shown, nothing changed
        again = await client.get(f"/api/v1/reports/{report_id}", headers=headers)
        assert again.status_code == 200
        assert again.json()["id"] == report_id
