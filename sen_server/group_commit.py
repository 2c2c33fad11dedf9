"""Group commit: the audit records of many concurrent reads, committed together.

Every audited read ends with a small write: its audit records, and perhaps a follow-up such
as marking a delivery read. Committed one by one, each of those writes takes SQLite's single
write lock (or PostgreSQL's chain lock) on its own, and under load the waiters sleep in the
database's busy handler instead of queueing: throughput collapses and the slowest answers
take seconds (bench/README.md §1). Here they queue in this process instead, in arrival order,
and whoever holds the write gate commits everything queued so far in one transaction: one
chain-head lookup, one multi-row insert, one durable commit. Each request is answered only
after the batch holding its records is durable, so no content leaves before its audit record.

A follow-up write that fails takes only its own request down (it runs in a savepoint). A
batch whose commit fails fails every request in it with a 503: nothing was shown, nothing
was recorded, and nothing half-written remains.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditActor, AuditEntry, append_audit_batch, lock_chain
from sen_server.errors import ApiError
from sen_server.events.store import EventDraft, append_events
from sen_server.models import OutboxMessage

if TYPE_CHECKING:
    from sen_server.runtime import Runtime

log = logging.getLogger("sen.server.commit")

FollowUpWrite = Callable[[AsyncSession], Awaitable[None]]
# Enough to amortise a commit over a busy second; small enough that one batch's statements
# never hold the write lock for long.
MAX_BATCH = 256


class WriteGate:
    """One writer at a time in this process, served in arrival order.

    SQLite has one writer per database; a transaction that finds the lock taken sleeps in
    SQLite's busy handler (1, 2, 5 … 100 ms naps) and may be overtaken by newcomers
    indefinitely. Queueing here first turns that into a FIFO queue with no sleeping.
    """

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _current(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to one event loop; tools and tests may run a runtime in
        # more than one loop over its life (one at a time).
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:
            self._lock, self._loop = asyncio.Lock(), loop
        return self._lock

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        async with self._current():
            yield


@dataclass(frozen=True)
class OutboxDraft:
    """A message for the outbox worker, written when the unit that asks for it commits."""

    kind: str
    payload: dict[str, Any]
    subject: str | None = None

    def row(self, now: datetime) -> OutboxMessage:
        """Its outbox row, due at once, in a transaction that commits at ``now``."""
        return OutboxMessage(
            kind=self.kind,
            payload=self.payload,
            subject=self.subject,
            created_at=now,
            available_at=now,
        )


@dataclass
class PendingCommit:
    """What one finished read still has to write."""

    actor: AuditActor
    entries: list[AuditEntry] = field(default_factory=list)
    follow_ups: list[FollowUpWrite] = field(default_factory=list)
    events: list[EventDraft] = field(default_factory=list)
    outbox: list[OutboxDraft] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.entries or self.follow_ups or self.events or self.outbox)


def audit_unavailable() -> ApiError:
    return ApiError(
        503,
        "audit_unavailable",
        "The server could not record this request in its audit log, so nothing was shown "
        "or changed. Try again in a moment.",
    )


class GroupCommit:
    def __init__(self, runtime: "Runtime", max_batch: int = MAX_BATCH) -> None:
        self.runtime = runtime
        self.max_batch = max_batch
        self._waiting: list[tuple[PendingCommit, asyncio.Future[None]]] = []

    async def commit(self, pending: PendingCommit) -> None:
        """Return once ``pending`` is durable; raise its own error if it failed."""
        if pending.is_empty():
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((pending, done))
        # Whoever gets the gate commits every request queued so far, its own included; a
        # request whose records an earlier holder already committed just passes through.
        async with self.runtime.write_gate.held():
            while not done.done():
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                await self._write(batch)
        await done

    async def _write(self, batch: list[tuple[PendingCommit, asyncio.Future[None]]]) -> None:
        runtime = self.runtime
        kept: list[tuple[PendingCommit, asyncio.Future[None]]] = []
        try:
            async with runtime.sessions() as session:
                await session.begin()
                for pending, done in batch:
                    if await _follow_ups_applied(session, pending, done):
                        kept.append((pending, done))
                now = runtime.now()
                for pending, _ in kept:
                    for draft in pending.outbox:
                        session.add(draft.row(now))
                records = [(p.actor, entry) for p, _ in kept for entry in p.entries]
                await append_audit_batch(
                    session,
                    records,
                    now=now,
                    signer=runtime.signer,
                    checkpoint_every=runtime.settings.audit_checkpoint_every,
                )
                published = [p for p, _ in kept if p.events]
                if published:
                    await lock_chain(session)  # held already if audited; positions in order
                    for pending in published:
                        await append_events(session, pending.events, pending.actor.username, now)
                await session.commit()
        except Exception:
            # The database refused the batch (disk full, I/O error, a lost connection).
            log.exception("group commit of %d requests failed", len(batch))
            for _, done in batch:
                if not done.done():
                    done.set_exception(audit_unavailable())
            return
        for _, done in kept:
            done.set_result(None)
        if any(p.events for p, _ in kept):
            runtime.wakeup.fire()
        if any(p.outbox for p, _ in kept):
            runtime.outbox_wakeup.fire()


async def _follow_ups_applied(
    session: AsyncSession, pending: PendingCommit, done: asyncio.Future[None]
) -> bool:
    """Run one request's follow-up writes in a savepoint; on failure, fail that request."""
    if not pending.follow_ups:
        return True
    try:
        async with session.begin_nested():
            for work in pending.follow_ups:
                await work(session)
    except Exception as exc:  # handed to the request it belongs to
        done.set_exception(exc)
        return False
    return True
