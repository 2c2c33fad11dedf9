"""A request's unit of work: one transaction whose audit records commit with it.

Handlers add audit entries as they go; on success the entries are chained as the last
statements before COMMIT, so no change commits without its record and no content is
answered before its record is durable. On an audited refusal (ApiError with ``audit``) the
work is rolled back and the refusal alone is recorded, in a transaction of its own.

A read-only unit (views, lists, queues) reads in a transaction that takes no write lock
(SQLite's single writer is not held while a long queue page is computed), then hands its
audit records, and any small follow-up writes such as marking a delivery read, to the group
commit (``sen_server.group_commit``), which commits them together with those of every other
read finishing at the same time; the response leaves only once they are durable. A
read-write unit waits for its turn to write before it begins (on SQLite, one writer at a
time, in arrival order).

The unit is also the one place that publishes what a unit of work did: live events
(``emit``) get their positions at commit, and outbox messages (``enqueue``) are rows written
in the same transaction and handed to the job worker once the commit is durable, so an
email or an export happens exactly when the change that asked for it does.

A unit may also join a write transaction that its caller opened (``within``): it appends
its audit records and events to that transaction when it ends, and the caller commits many
units together, or rolls them all back. Bulk writers (the demo data) use it; a request
never does, because its answer must wait for its own commit.
"""

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditActor, AuditEntry, append_audit, lock_chain
from sen_server.errors import ApiError
from sen_server.events.store import EventDraft, append_events
from sen_server.group_commit import FollowUpWrite, OutboxDraft, PendingCommit
from sen_server.runtime import Runtime


class UnitOfWork:
    def __init__(
        self,
        runtime: Runtime,
        actor: AuditActor,
        *,
        read_only: bool = False,
        within: AsyncSession | None = None,
        begun: AsyncSession | None = None,
    ) -> None:
        if read_only and within is not None:
            raise ValueError("a read-only unit cannot join a write transaction")
        if begun is not None and not read_only:
            raise ValueError("only a read-only unit goes on in a begun read transaction")
        self.runtime = runtime
        self.actor = actor
        self.read_only = read_only
        self.within = within
        self.entries: list[AuditEntry] = []
        self.events: list[EventDraft] = []
        self.follow_ups: list[FollowUpWrite] = []
        self.outbox: list[OutboxDraft] = []
        self._session: AsyncSession | None = None
        self._begun = begun
        self._turn: AbstractAsyncContextManager[None] | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    def audit(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def emit(self, event: EventDraft) -> None:
        """Publish a live event when (and only if) this unit commits."""
        self.events.append(event)

    def enqueue(self, kind: str, payload: dict[str, Any], *, subject: str | None = None) -> None:
        """Ask the job worker to do ``kind`` with ``payload`` once this unit has committed;
        ``subject`` names what it is about, for finding it again by index."""
        self.outbox.append(OutboxDraft(kind, payload, subject))

    async def write(self, work: FollowUpWrite) -> None:
        """A write: now in a read-write unit, in the closing write transaction otherwise."""
        if self.read_only:
            self.follow_ups.append(work)
        else:
            await work(self.session)

    async def __aenter__(self) -> "UnitOfWork":
        if self.within is not None:
            self._session = self.within  # the caller's transaction, already begun
            return self
        if self._begun is not None:
            # A read transaction the request began already (its caller's lookup): this
            # unit reads on in it and closes it.
            self._session, self._begun = self._begun, None
            return self
        if self.read_only:
            self._session = self.runtime.read_sessions()
        else:
            self._turn = self.runtime.writer_turn()
            await self._turn.__aenter__()
            self._session = self.runtime.sessions()
        try:
            await self._session.begin()
        except BaseException:
            await self._release()
            raise
        return self

    async def _release(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._turn is not None:
            turn, self._turn = self._turn, None
            await turn.__aexit__(None, None, None)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        if self.within is not None:
            self._session = None
            if exc is None:
                await self._finish(session, commit=False)
            # On an error the caller rolls the whole transaction back (audited refusals
            # included: a bulk writer's refusal is a bug, not a user's attempt to record).
            return
        if exc is None and self.read_only:
            await self._release()
            await self.runtime.group_commit.commit(
                PendingCommit(self.actor, self.entries, self.follow_ups, self.events, self.outbox)
            )
            return
        try:
            if exc is None:
                await self._finish(session)
                return
            await session.rollback()
        finally:
            await self._release()
        if isinstance(exc, ApiError) and exc.audit is not None:
            await record_alone(self.runtime, self.actor, exc.audit)

    async def _finish(self, session: AsyncSession, *, commit: bool = True) -> None:
        """Follow-up writes, audit records and events, then COMMIT (unless the transaction
        is the caller's: then the caller commits, and wakes listeners up itself)."""
        for work in self.follow_ups:
            await work(session)
        now = self.runtime.now()
        for draft in self.outbox:
            session.add(draft.row(now))
        if self.entries:
            await self._append(session, self.entries)
        if self.events:
            await lock_chain(session)  # held already if audited; positions in order
            await append_events(session, self.events, self.actor.username, self.runtime.now())
        if not commit:
            return
        await session.commit()
        if self.events:
            self.runtime.wakeup.fire()
        if self.outbox:
            self.runtime.outbox_wakeup.fire()

    async def _append(self, session: AsyncSession, entries: list[AuditEntry]) -> None:
        settings = self.runtime.settings
        await append_audit(
            session,
            self.actor,
            entries,
            now=self.runtime.now(),
            signer=self.runtime.signer,
            checkpoint_every=settings.audit_checkpoint_every,
        )


async def record_alone(runtime: Runtime, actor: AuditActor, entry: AuditEntry) -> None:
    """Record one audit record outside a unit of work (denials, failed logons)."""
    await runtime.group_commit.commit(PendingCommit(actor, [entry]))
