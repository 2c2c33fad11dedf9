"""Rules of Behavior: shown and acknowledged at first login and every 90 days (SPEC §10).

Dismisses with the MePublic the server returns once the rules are acknowledged, or None
when the user declines (and is logged out).
"""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from sen_tui.api import ApiError, ServerUnreachable
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from shared.schemas import MePublic, RulesPublic


class RulesScreen(SenScreen[MePublic | None]):
    BINDINGS = [
        Binding("a", "acknowledge", "Acknowledge", id="rules.acknowledge"),
        Binding("escape", "decline", "Decline and log out", id="rules.decline"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="rules")
        self.session = session
        self.rules: RulesPublic | None = None

    def compose(self) -> ComposeResult:
        yield Static("Rules of Behavior", id="rules-title")
        with VerticalScroll(id="rules-text-box"):
            yield Static("Loading the Rules of Behavior…", id="rules-text")
        with Horizontal(id="rules-buttons"):
            yield Button("I acknowledge these rules", id="acknowledge", variant="primary")
            yield Button("Decline and log out", id="decline")
        yield Label("", id="rules-error")
        yield SenFooter()

    def on_mount(self) -> None:
        self.load_rules()

    @work(exclusive=True, group="rules", exit_on_error=False)
    async def load_rules(self) -> None:
        self.rules = await self.session.client.rules()
        self.query_one("#rules-text", Static).update(Text(self.rules.text))
        self.query_one("#acknowledge").focus()

    @on(Button.Pressed, "#acknowledge")
    def action_acknowledge(self) -> None:
        if self.rules is not None:
            self.send_acknowledgment(self.rules.version)

    @on(Button.Pressed, "#decline")
    def action_decline(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="acknowledge", exit_on_error=False)
    async def send_acknowledgment(self, version: str) -> None:
        try:
            me = await self.session.client.acknowledge_rules(version)
        except (ApiError, ServerUnreachable) as exc:
            self.query_one("#rules-error", Label).update(Text(str(exc)))
            return
        self.dismiss(me)
