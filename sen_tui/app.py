"""SenApp: installs the screens, the global bindings and the command palette. Signing in,
the idle lock and the live relay are flows mixed in from sen_tui.flows."""

from collections.abc import Iterable
from pathlib import Path

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sen_tui.client import SessionEnded
from sen_tui.commands import screen_commands, system_commands
from sen_tui.failures import WorkFailed, describe
from sen_tui.flows.idle_lock import IdleLock
from sen_tui.flows.live_relay import LiveRelay
from sen_tui.flows.sign_in import SignInFlow
from sen_tui.screens.help import HelpScreen

STYLES = Path(__file__).parent / "styles"


class SenApp(SignInFlow, IdleLock, LiveRelay):
    TITLE = "SEN"
    CSS_PATH = [STYLES / name for name in ("app.tcss", "forms.tcss", "reports.tcss")]
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+l", "lock", "Lock", id="session.lock", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def on_mount(self) -> None:
        self.set_interval(1.0, self.check_idle_lock)
        self.sign_in()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lock", "log_out", "change_password"):
            return self.session is not None and self.session.me is not None
        return True

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
