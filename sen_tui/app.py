"""SenApp: installs the screens (sign-in flow, main, lock, help), the global bindings and
the command palette, and relays the live worker's Messages to the screens."""

import contextlib
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import httpx
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from sen_tui.client import ClientError, SenClient, SessionEnded
from sen_tui.commands import screen_commands, system_commands
from sen_tui.config import ClientSettings
from sen_tui.credentials import TokenStore
from sen_tui.demo import EmbeddedServer
from sen_tui.failures import WorkFailed, describe
from sen_tui.live import (
    FLASH_KIND,
    ConnectionChanged,
    ConnectionState,
    LiveEvent,
    LiveSessionEnded,
    PollTick,
    follow_events,
)
from sen_tui.screens.demo import DemoAccountsScreen, DemoStartScreen
from sen_tui.screens.help import HelpScreen
from sen_tui.screens.lock import LockScreen
from sen_tui.screens.login import LoginScreen
from sen_tui.screens.main import MainScreen
from sen_tui.screens.password import PasswordScreen
from sen_tui.screens.rules import RulesScreen
from sen_tui.session import Session
from shared.schemas import EventPublic, MePublic

STYLES = Path(__file__).parent / "styles"


class SenApp(App[None]):
    TITLE = "SEN"
    CSS_PATH = [STYLES / name for name in ("app.tcss", "forms.tcss", "reports.tcss")]
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+l", "lock", "Lock", id="session.lock", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

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

    # ---- sign-in flow ---------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(1.0, self.check_idle_lock)
        self.sign_in()

    def open_session(self, settings: ClientSettings) -> Session:
        session = Session(
            settings=settings,
            client=SenClient(settings, transport=self.transport),
            tokens=TokenStore(
                settings.keyring_service, settings.server_url, use_keyring=settings.use_keyring
            ),
            events=Signal[EventPublic](self, "live-events"),
            connection=Signal[ConnectionState](self, "connection"),
            poll=Signal[None](self, "poll"),
        )
        if self.clock is not None:
            session.clock = self.clock
        self.session = session
        return session

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def sign_in(self, message: str = "") -> None:
        username = password = ""
        if self.demo is not None:
            if not self.demo.accounts:
                accounts = await self.push_screen_wait(DemoStartScreen(self.demo))
                if accounts is None:
                    return
            if self.session is None:
                label = f"demo server {self.demo.url.removeprefix('http://')}"
                self.open_session(
                    self.settings.model_copy(
                        update={
                            "server_url": self.demo.url,
                            "server_label": label,
                            "use_keyring": False,
                        }  # a throw-away server's token
                    )
                )
            picked = await self.push_screen_wait(
                DemoAccountsScreen(self.demo.accounts, self.demo.password)
            )
            if picked is None:
                return
            username, password = picked, self.demo.password
        session = self.session or self.open_session(self.settings)
        me: MePublic | None = await self.push_screen_wait(
            LoginScreen(session, username=username, password=password, message=message)
        )
        if me is not None and me.must_change_password:
            me = await self.push_screen_wait(PasswordScreen(session, forced=True))
        if me is not None and me.must_acknowledge_rules:
            me = await self.push_screen_wait(RulesScreen(session))
        if me is None:
            self.log_out()
            return
        session.me = me
        session.catalogue = await session.client.catalogue()
        self.last_input = self.monotonic()
        await self.push_screen(MainScreen(session))
        self.follow_live()

    @work(exclusive=True, group="log-out", exit_on_error=False)
    async def log_out(self) -> None:
        session = self.session
        self.workers.cancel_group(self, "live")
        if session is not None:
            with contextlib.suppress(ClientError):  # else it expires at the idle timeout
                await session.client.logout()
            clear = self.run_worker(session.tokens.clear, thread=True, exit_on_error=False)
            await clear.wait()
            session.me, session.locked = None, False
            session.set_connection(ConnectionState.CONNECTING)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.sign_in("You are logged out.")

    def action_log_out(self) -> None:
        self.log_out()

    @work(exclusive=True, group="password", exit_on_error=False)
    async def action_change_password(self) -> None:
        if self.session is not None and self.session.me is not None:
            me = await self.push_screen_wait(PasswordScreen(self.session, forced=False))
            if me is not None:
                self.session.me = me

    # ---- idle lock ------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown):
            self.last_input = self.monotonic()
        await super().on_event(event)

    def lock_after_seconds(self) -> int | None:
        session = self.session
        if session is None or session.me is None:
            return None
        return self.settings.idle_lock_seconds or session.me.idle_timeout_seconds

    def check_idle_lock(self) -> None:
        limit = self.lock_after_seconds()
        if limit is not None and self.monotonic() - self.last_input >= limit:
            minutes = max(1, round(limit / 60))
            self.lock(f"Locked after {minutes} minute{'s' * (minutes > 1)} without input.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lock", "log_out", "change_password"):
            return self.session is not None and self.session.me is not None
        return True

    def action_lock(self) -> None:
        self.lock("Locked by you.")

    def lock(self, reason: str) -> None:
        session = self.session
        if session is None or session.me is None or session.locked:
            return
        session.locked = True
        self.push_screen(LockScreen(session, reason), callback=self.unlocked)

    def unlocked(self, unlocked: bool | None) -> None:
        if self.session is not None:
            self.session.locked = False
        self.last_input = self.monotonic()
        if unlocked:
            self.follow_live()  # the stream carried the old token
        else:
            self.log_out()

    # ---- live events ----------------------------------------------------------------

    @work(exclusive=True, group="live", exit_on_error=False)
    async def follow_live(self) -> None:
        if self.session is not None:
            await follow_events(self.session.client, self.post_message)

    def on_live_event(self, message: LiveEvent) -> None:
        if self.session is None:
            return
        event = message.event
        if event.kind == FLASH_KIND:
            self.announce_flash(event)
        self.session.events.publish(event)

    def announce_flash(self, event: EventPublic) -> None:
        self.bell()
        if self.session is not None and self.session.locked:
            text = "A flash SPOT arrived. Unlock to read it."
        else:
            text = f"{event.report_id}: {event.title or '(untitled)'}"
        self.notify(text, title="FLASH SPOT", severity="error", timeout=30, markup=False)

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        if self.session is not None:
            self.session.set_connection(message.state)

    def on_poll_tick(self, message: PollTick) -> None:
        if self.session is not None and not self.session.locked:
            self.session.poll.publish(None)

    def on_live_session_ended(self, message: LiveSessionEnded) -> None:
        self.lock("Your session ended on the server. Enter your password to continue.")

    # ---- failures, help, command palette --------------------------------------------

    def on_work_failed(self, message: WorkFailed) -> None:
        if isinstance(message.error, SessionEnded):
            self.lock("Your session ended on the server. Enter your password to continue.")
            return
        text, severity = describe(message.error)
        self.notify(text, severity=severity, timeout=8, markup=False)  # type: ignore[arg-type]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        name = type(self.screen).__name__.removesuffix("Screen") or "SEN"
        self.push_screen(HelpScreen(name, list(screen_commands(self.screen))))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from system_commands(screen)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.client.aclose()
