"""What one server instance holds for its lifetime: settings, database, signer, clock."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.anchors import FILE_KEY as ANCHORS_FILE_KEY
from sen_server.audit.signing import CheckpointSigner
from sen_server.db import create_engine, read_session_factory, session_factory
from sen_server.events.bus import Wakeup
from sen_server.events.feed import EventFeed
from sen_server.group_commit import GroupCommit, WriteGate
from sen_server.settings import ServerSettings

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: ServerSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    signer: CheckpointSigner
    # Injected in tests so that lockouts, expiry and late flags can be checked without sleeps.
    clock: Clock = field(default=system_clock)
    # Fired after a local commit that published events (and on PostgreSQL NOTIFY).
    wakeup: Wakeup = field(default_factory=Wakeup)
    # Fired after a local commit that wrote outbox messages (the job worker waits on it).
    outbox_wakeup: Wakeup = field(default_factory=Wakeup)
    # Writers of this process queue here (see group_commit.WriteGate).
    write_gate: WriteGate = field(default_factory=WriteGate)
    group_commit: GroupCommit = field(init=False)
    # One reader of the events table for every stream of this process, while any is open.
    _feed: EventFeed | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.group_commit = GroupCommit(self)

    def join_feed(self) -> EventFeed:
        """The process's event feed, started if no stream was using it; pair with
        ``leave_feed`` (the last stream to leave stops it)."""
        if self._feed is None:
            self._feed = EventFeed(self)
        self._feed.users += 1
        return self._feed

    def leave_feed(self, feed: EventFeed) -> None:
        feed.users -= 1
        if feed.users == 0 and self._feed is feed:
            feed.close()
            self._feed = None

    @classmethod
    def build(cls, settings: ServerSettings, clock: Clock | None = None) -> "Runtime":
        engine = create_engine(settings)
        sessions = session_factory(engine)
        if settings.audit_anchors_file is not None:
            sessions.configure(info={ANCHORS_FILE_KEY: str(settings.audit_anchors_file)})
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            read_sessions=read_session_factory(engine),
            signer=CheckpointSigner.load_or_create(settings.resolved_audit_key_file),
            clock=clock or system_clock,
        )

    def now(self) -> datetime:
        return self.clock()

    @asynccontextmanager
    async def write_session(self) -> AsyncIterator[AsyncSession]:
        """A write transaction outside a unit of work (session upkeep, jobs): queued behind
        this process's other writers on SQLite, committed on success."""
        async with self.writer_turn(), self.sessions() as session, session.begin():
            yield session

    def writer_turn(self) -> AbstractAsyncContextManager[None]:
        """Wait for this process's turn to write. SQLite has one writer, so waiting here in
        order beats sleeping in its busy handler; PostgreSQL writers run side by side and
        are ordered by the chain lock at their very end."""
        return self.write_gate.held() if self.settings.is_sqlite else nullcontext()
