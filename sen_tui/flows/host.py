"""What the flows share: the App's state they read and the steps they ask of each other.

Each flow is a mixin on this class; SenApp combines them, so a call such as ``self.lock``
from the live relay lands in the idle-lock flow.
"""

import time
from collections.abc import Callable
from datetime import datetime

import httpx
from textual.app import App

from sen_tui.config import ClientSettings
from sen_tui.demo import EmbeddedServer
from sen_tui.session import Session


class FlowHost(App[None]):
    def __init__(
        self,
        settings: ClientSettings,
        *,
        demo: EmbeddedServer | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.demo = demo
        self.transport = transport
        self.clock = clock
        self.monotonic = monotonic
        self.cursor_blink_enabled = settings.cursor_blink  # read by widgets.text_inputs
        self.session: Session | None = None
        self.last_input = monotonic()
        self.workspace_modes: list[str] = []  # one Textual mode per workspace, in order

    # Provided by the flows (sign_in.py, idle_lock.py, live_relay.py).
    def sign_in(self, message: str = "") -> object:
        raise NotImplementedError

    def log_out(self) -> object:
        raise NotImplementedError

    def lock(self, reason: str) -> None:
        raise NotImplementedError

    def follow_live(self) -> object:
        raise NotImplementedError

    async def open_workspaces(self, session: Session) -> None:
        raise NotImplementedError

    async def close_workspaces(self) -> None:
        raise NotImplementedError
