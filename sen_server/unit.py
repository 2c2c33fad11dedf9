"""A request's unit of work: one transaction whose audit records commit with it.

Handlers add audit entries as they go; on success the entries are chained as the last
statements before COMMIT, so no change commits without its record and no content is
answered before its record is durable. On an audited refusal (ApiError with ``audit``) the
work is rolled back and the refusal alone is recorded, in a transaction of its own.
"""

from types import TracebackType

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditActor, AuditEntry, append_audit, lock_chain
from sen_server.errors import ApiError
from sen_server.events.store import EventDraft, append_events
from sen_server.runtime import Runtime


class UnitOfWork:
    def __init__(self, runtime: Runtime, actor: AuditActor) -> None:
        self.runtime = runtime
        self.actor = actor
        self.entries: list[AuditEntry] = []
        self.events: list[EventDraft] = []
        self._session: AsyncSession | None = None

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

    async def __aenter__(self) -> "UnitOfWork":
        self._session = self.runtime.sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc is None:
                if self.entries:
                    await self._append(session, self.entries)
                if self.events:
                    await lock_chain(session)  # held already if audited; positions in order
                    await append_events(
                        session, self.events, self.actor.username, self.runtime.now()
                    )
                await session.commit()
                if self.events:
                    self.runtime.wakeup.fire()
                return
            await session.rollback()
        finally:
            await session.close()
            self._session = None
        if isinstance(exc, ApiError) and exc.audit is not None:
            await record_alone(self.runtime, self.actor, exc.audit)

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
    """Write one audit record in its own transaction (denials, failed logons)."""
    async with runtime.sessions() as session, session.begin():
        await append_audit(
            session,
            actor,
            [entry],
            now=runtime.now(),
            signer=runtime.signer,
            checkpoint_every=runtime.settings.audit_checkpoint_every,
        )
