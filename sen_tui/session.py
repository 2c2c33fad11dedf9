"""What a signed-in client knows: the API client, the token store, who the user is (with
the workspaces the server offers them), the report-type catalogue, and the live signals.
Screens receive it as an attribute (attributes down) instead of reaching into the App.

It holds no rule: what the user may do comes from the server's answers (``/me``,
``allowed_actions``), never from their roles."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from textual.signal import Signal

from sen_tui.api import SenClient
from sen_tui.config import ClientSettings
from sen_tui.credentials import TokenStore
from sen_tui.live import ConnectionState
from shared.fields import Catalogue, ReportTypeSpec
from shared.schemas import EventPublic, MePublic


@dataclass
class Session:
    settings: ClientSettings
    client: SenClient
    tokens: TokenStore
    # Published by the App from the live worker's Messages; screens subscribe.
    events: Signal[EventPublic]
    connection: Signal[ConnectionState]
    connection_state: ConnectionState = ConnectionState.CONNECTING
    me: MePublic | None = None
    catalogue: Catalogue | None = None
    locked: bool = False
    # Injected by tests (frozen clock); used for "saved at" and the no-future-event rule.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _specs: dict[str, ReportTypeSpec] = field(default_factory=dict)

    @property
    def username(self) -> str:
        return self.me.user.username if self.me else ""

    def spec(self, code: str) -> ReportTypeSpec:
        if not self._specs and self.catalogue is not None:
            self._specs = {t.code: t for t in self.catalogue.types}
        return self._specs[code]

    def now(self) -> datetime:
        return self.clock()

    def set_connection(self, state: ConnectionState) -> None:
        self.connection_state = state
        self.connection.publish(state)
