"""A read takes one database connection for its caller and its content: the unit of work
of a GET goes on in the read transaction that looked the caller up (sen_server.http.caller),
and a request refused before its handler runs leaves no connection behind. On SQLite and
PostgreSQL."""

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import event

from sen_server.runtime import Runtime
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock


def _checkouts(runtime: Runtime) -> list[int]:
    taken: list[int] = []

    @event.listens_for(runtime.engine.sync_engine, "checkout")
    def _on_checkout(*_: Any) -> None:
        taken.append(1)

    return taken


async def test_a_read_takes_one_connection_and_a_refused_one_keeps_none(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    runtime: Runtime = client.app.state.runtime
    headers = await login(client, "agent.nyc")
    report_id = (await flows.create(client, headers, "SIR", clock()))["id"]
    taken = _checkouts(runtime)
    opened = await client.get(f"/api/v1/reports/{report_id}", headers=headers)
    assert opened.status_code == 200
    # One to read (caller and report), one for the group commit of its audit record.
    assert len(taken) == 2
    assert runtime.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    # Authenticated, then refused by the handler's guard: the handler never runs.
    refused = await client.get("/api/v1/audit", headers=headers)
    assert refused.status_code == 403
    assert runtime.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    # Refused for a malformed parameter.
    malformed = await client.get("/api/v1/queues/mine?limit=many", headers=headers)
    assert malformed.status_code == 422
    assert runtime.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
