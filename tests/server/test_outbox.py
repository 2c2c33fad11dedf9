"""The transactional outbox and the job registry (SPEC §5, §6 will send mail and exports
through them), on SQLite and PostgreSQL: a message exists exactly when the change that
asked for it committed, is delivered once, is retried with backoff, fails with its reason
after the last try, survives a dead worker, and every attempt is audited."""

import asyncio
from typing import Any

import pytest
from sqlmodel import col, select

from sen_server.app import create_app
from sen_server.audit.writer import AuditActor
from sen_server.jobs import outbox
from sen_server.jobs.outbox import MAX_ATTEMPTS, DeliveryFailed, claim_next, drain
from sen_server.jobs.registry import JobRegistry
from sen_server.models import AuditRecord, OutboxMessage
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from tests.support.clock import FakeClock

ACTOR = AuditActor(username="tester", roles=("admin",))


@pytest.fixture
async def runtime(db_settings: ServerSettings, clock: FakeClock) -> Any:
    runtime = Runtime.build(db_settings, clock)
    yield runtime
    await runtime.engine.dispose()


async def _enqueue(runtime: Runtime, kind: str, payload: dict[str, Any]) -> None:
    async with UnitOfWork(runtime, ACTOR) as unit:
        unit.enqueue(kind, payload)


async def _messages(runtime: Runtime) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        return list(
            (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        )


async def _deliveries(runtime: Runtime) -> list[AuditRecord]:
    async with runtime.sessions() as session:
        statement = select(AuditRecord).where(col(AuditRecord.action) == "outbox.delivery")
        return list((await session.exec(statement.order_by(col(AuditRecord.seq)))).all())


async def test_a_committed_message_is_delivered_once_and_audited(runtime: Runtime) -> None:
    delivered: list[dict[str, Any]] = []

    async def record(_: Runtime, payload: dict[str, Any]) -> None:
        delivered.append(payload)

    await _enqueue(runtime, "test.record", {"summary": 7})
    assert await drain(runtime, {"test.record": record}) == 1
    assert await drain(runtime, {"test.record": record}) == 0
    assert delivered == [{"summary": 7}]
    [message] = await _messages(runtime)
    assert (message.state, message.attempts, message.finished_at) == ("done", 1, runtime.now())
    [audit] = await _deliveries(runtime)
    assert (audit.actor, audit.outcome, audit.object_id) == ("system", "success", str(message.id))
    assert audit.details == {"kind": "test.record", "attempt": 1, "state": "done"}


async def test_a_rolled_back_change_leaves_no_message(runtime: Runtime) -> None:
    with pytest.raises(RuntimeError):
        async with UnitOfWork(runtime, ACTOR) as unit:
            unit.enqueue("test.record", {"summary": 1})
            raise RuntimeError("the change failed")
    assert await _messages(runtime) == []


async def test_failures_are_retried_with_backoff_then_marked_failed(
    runtime: Runtime, clock: FakeClock
) -> None:
    async def refuse(_: Runtime, __: dict[str, Any]) -> None:
        raise DeliveryFailed("451 try again later")

    handlers = {"test.refuse": refuse}
    await _enqueue(runtime, "test.refuse", {})
    assert await drain(runtime, handlers) == 1
    [message] = await _messages(runtime)
    assert (message.state, message.attempts, message.last_error) == (
        "pending",
        1,
        "451 try again later",
    )
    assert message.available_at == runtime.now() + outbox.backoff(1)
    # Not due yet: nothing happens until the backoff has passed.
    clock.advance(seconds=29)
    assert await drain(runtime, handlers) == 0
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.advance(hours=1)
        assert await drain(runtime, handlers) == 1, f"attempt {attempt}"
    [message] = await _messages(runtime)
    assert (message.state, message.attempts) == ("failed", MAX_ATTEMPTS)
    clock.advance(hours=1)
    assert await drain(runtime, handlers) == 0  # a failed message stays failed
    records = await _deliveries(runtime)
    assert len(records) == MAX_ATTEMPTS and all(r.outcome == "failure" for r in records)
    assert records[-1].details["reason"] == "451 try again later"


async def test_a_message_nobody_handles_fails_at_once(runtime: Runtime) -> None:
    await _enqueue(runtime, "test.unknown", {})
    assert await drain(runtime, {}) == 1
    [message] = await _messages(runtime)
    assert (message.state, message.last_error) == ("failed", "no handler for this kind of message")


async def test_a_claimed_message_is_not_claimed_twice_until_its_lease_runs_out(
    runtime: Runtime, clock: FakeClock
) -> None:
    await _enqueue(runtime, "test.record", {})
    first, second = await asyncio.gather(claim_next(runtime), claim_next(runtime))
    assert [m is not None for m in (first, second)].count(True) == 1
    # The worker that claimed it died: after the lease another worker takes it up.
    assert await claim_next(runtime) is None
    clock.advance(seconds=outbox.LEASE.total_seconds() + 1)
    again = await claim_next(runtime)
    assert again is not None and again.attempts == 2


async def test_the_app_runs_the_worker_for_its_lifespan(
    db_settings: ServerSettings, clock: FakeClock
) -> None:
    arrived = asyncio.Event()

    async def record(_: Runtime, payload: dict[str, Any]) -> None:
        arrived.set()

    jobs = JobRegistry()
    jobs.handle("test.record", record)
    app = create_app(db_settings, clock=clock, jobs=jobs)
    # The app's own lifespan, on this event loop (a test client would run it on another).
    async with app.lifespan():
        runtime: Runtime = app.state.runtime
        await _enqueue(runtime, "test.record", {})
        # Woken by the commit, not by its next poll.
        await asyncio.wait_for(arrived.wait(), timeout=outbox.POLL_SECONDS / 2)
    assert jobs._tasks == []  # stopped with the app
