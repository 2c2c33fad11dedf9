"""Group commit of the audit records of concurrent reads (sen_server.group_commit), on SQLite
and PostgreSQL: every read is answered only once its record is durable, many reads share one
commit, the chain stays one chain, and a failure fails only the requests it touches."""

import asyncio
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.verify import verify_chain
from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.errors import ApiError
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.unit import UnitOfWork
from tests.support.clock import FakeClock

READERS = 40


@pytest.fixture
async def runtime(db_settings: ServerSettings, clock: FakeClock) -> Any:
    runtime = Runtime.build(db_settings, clock)
    yield runtime
    await runtime.engine.dispose()


def _reader(number: int) -> AuditActor:
    return AuditActor(username=f"reader{number}", roles=("agent",), session=f"s{number}")


async def _audited_read(runtime: Runtime, number: int, follow_up: Any = None) -> None:
    async with UnitOfWork(runtime, _reader(number), read_only=True) as unit:
        await unit.session.exec(select(func.count()).select_from(AuditRecord))
        unit.audit(AuditEntry(action="report.view", object_type="report", object_id=str(number)))
        if follow_up is not None:
            await unit.write(follow_up)


async def _records(runtime: Runtime) -> list[AuditRecord]:
    async with runtime.sessions() as session:
        statement = select(AuditRecord).order_by(col(AuditRecord.seq))
        return list((await session.exec(statement)).all())


def _count_commits(runtime: Runtime) -> list[int]:
    commits: list[int] = []

    @event.listens_for(runtime.engine.sync_engine, "commit")
    def _on_commit(_: Any) -> None:
        commits.append(1)

    return commits


async def test_concurrent_reads_share_commits_and_each_keeps_its_record(
    runtime: Runtime,
) -> None:
    commits = _count_commits(runtime)
    await asyncio.gather(*(_audited_read(runtime, n) for n in range(READERS)))

    records = await _records(runtime)
    assert sorted(r.object_id for r in records) == sorted(str(n) for n in range(READERS))
    # Every record carries its own reader, not the batch's first.
    assert {r.object_id: r.actor for r in records} == {str(n): f"reader{n}" for n in range(READERS)}
    assert [r.seq for r in records] == list(range(1, READERS + 1))
    assert 1 <= len(commits) < READERS / 2, "reads arriving together should share commits"
    async with runtime.sessions() as session:
        assert (await verify_chain(session, runtime.signer)).ok


async def test_a_failing_follow_up_fails_only_its_own_read(runtime: Runtime) -> None:
    async def refuse(_: AsyncSession) -> None:
        raise ApiError(409, "conflict", "refused for the test")

    results = await asyncio.gather(
        *(_audited_read(runtime, n, refuse if n == 7 else None) for n in range(READERS)),
        return_exceptions=True,
    )

    failed = [n for n, result in enumerate(results) if isinstance(result, Exception)]
    assert failed == [7]
    assert isinstance(results[7], ApiError) and results[7].status_code == 409
    shown = {r.object_id for r in await _records(runtime)}
    assert shown == {str(n) for n in range(READERS) if n != 7}


async def test_a_batch_the_database_refuses_is_a_503_and_records_nothing(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _audited_read(runtime, 0)

    async def broken_insert(*_: Any, **__: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("sen_server.group_commit.append_audit_batch", broken_insert)
    results = await asyncio.gather(
        *(_audited_read(runtime, n) for n in range(1, 6)), return_exceptions=True
    )
    assert all(isinstance(r, ApiError) and r.status_code == 503 for r in results)
    monkeypatch.undo()

    await _audited_read(runtime, 99)  # the server recovers for the next request
    assert [r.object_id for r in await _records(runtime)] == ["0", "99"]
    async with runtime.sessions() as session:
        assert (await verify_chain(session, runtime.signer)).ok
