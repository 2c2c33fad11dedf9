"""Signing in and out: the demo account picker, the login form, the forced password change
and the Rules of Behavior, then the user's first workspace; logging out closes every
workspace and returns to the login form."""

import contextlib

from textual import work
from textual.signal import Signal

from sen_tui.api import ClientError, SenClient
from sen_tui.config import ClientSettings
from sen_tui.credentials import TokenStore
from sen_tui.flows.host import FlowHost
from sen_tui.live import ConnectionState
from sen_tui.screens.demo import DemoAccountsScreen, DemoStartScreen
from sen_tui.screens.login import LoginScreen
from sen_tui.screens.password import PasswordScreen
from sen_tui.screens.rules import RulesScreen
from sen_tui.session import Session
from shared.schemas import EventPublic, MePublic


class SignInFlow(FlowHost):
    def open_session(self, settings: ClientSettings) -> Session:
        session = Session(
            settings=settings,
            client=SenClient(settings, transport=self.transport),
            tokens=TokenStore(
                settings.keyring_service, settings.server_url, use_keyring=settings.use_keyring
            ),
            events=Signal[EventPublic](self, "live-events"),
            connection=Signal[ConnectionState](self, "connection"),
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
                DemoAccountsScreen(self.demo.accounts, self.demo.password, self.demo.reports_status)
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
        await self.open_workspaces(session)
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
            session.set_connection(ConnectionState.CONNECTING)
        await self.close_workspaces()
        if session is not None:
            session.me, session.locked = None, False
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
