"""What one server instance holds for its lifetime: settings, database, signer, clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.signing import CheckpointSigner
from sen_server.db import create_engine, read_session_factory, session_factory
from sen_server.events.bus import Wakeup
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

    @classmethod
    def build(cls, settings: ServerSettings, clock: Clock | None = None) -> "Runtime":
        engine = create_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            read_sessions=read_session_factory(engine),
            signer=CheckpointSigner.load_or_create(settings.resolved_audit_key_file),
            clock=clock or system_clock,
        )

    def now(self) -> datetime:
        return self.clock()
