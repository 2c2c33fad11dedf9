"""SenApp: installs the screens, the global bindings and the command palette. Signing in,
the workspaces, the idle lock and the live relay are flows mixed in from sen_tui.flows."""

from collections.abc import Iterable
from pathlib import Path

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sen_tui.api import SessionEnded
from sen_tui.commands import screen_commands, system_commands
from sen_tui.failures import WorkFailed, describe
from sen_tui.flows.idle_lock import IdleLock
from sen_tui.flows.live_relay import LiveRelay
from sen_tui.flows.sign_in import SignInFlow
from sen_tui.flows.workspaces import WorkspaceModes
from sen_tui.modals.help import HelpModal
from sen_tui.screens.workspace import WorkspaceScreen

STYLES = Path(__file__).parent / "styles"
NO_SCREENSHOTS = (
    "Screenshots are off: the screen shows report content, which must not be written to a file."
)


class ScreenshotRefused(PermissionError):
    """Textual's screenshot would write the screen, report content and all, to a file."""


class SenApp(SignInFlow, WorkspaceModes, IdleLock, LiveRelay):
    TITLE = "SEN"
    CSS_PATH = [STYLES / name for name in ("app.tcss", "forms.tcss", "reports.tcss")]
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+l", "lock", "Lock", id="session.lock", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Focus moves here, in the order keys arrive, before the next key is handed to a
        # widget: as a screen binding, Tab reached it only after the focused field had
        # already been given every key typed after it ("AnaLopez" in First name).
        Binding("tab", "focus_next", "Next field", id="app.next_field", show=False, priority=True),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            id="app.previous_field",
            show=False,
            priority=True,
        ),
    ]

    def on_mount(self) -> None:
        self.set_interval(1.0, self.check_idle_lock)
        self.sign_in()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lock", "log_out", "change_password"):
            return self.session is not None and self.session.me is not None
        if action == "pick_workspace":
            return self.may_switch_workspace()
        return True

    # ---- failures, help, command palette --------------------------------------------

    def on_work_failed(self, message: WorkFailed) -> None:
        if isinstance(message.error, SessionEnded):
            self.lock("Your session ended on the server. Enter your password to continue.")
            return
        text, severity = describe(message.error)
        self.notify(text, severity=severity, timeout=8, markup=False)  # type: ignore[arg-type]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpModal):
            return
        if isinstance(self.screen, WorkspaceScreen):
            name = self.screen.workspace.label
        else:
            name = type(self.screen).__name__.removesuffix("Screen") or "SEN"
        self.push_screen(HelpModal(name, list(screen_commands(self.screen))))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Only what applies here: the screen's keys and the user's other workspaces. Not
        # Textual's own (super()): its Screenshot writes the screen, names, dates of birth
        # and A-numbers included, as an SVG file readable by other local users; Maximize,
        # Theme and Keys have no use here (F1 lists the keys).
        yield from system_commands(screen)
        yield from self.workspace_commands()

    # Textual's screenshot paths, refused for the same reason (a debugging environment
    # variable, or an action bound by a future widget, could reach them).
    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify(NO_SCREENSHOTS, severity="warning", markup=False)

    def deliver_screenshot(self, *args: object, **kwargs: object) -> str | None:
        self.notify(NO_SCREENSHOTS, severity="warning", markup=False)
        return None

    def save_screenshot(self, *args: object, **kwargs: object) -> str:
        raise ScreenshotRefused(NO_SCREENSHOTS)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.client.aclose()
