"""The system-use notice and the login form (SPEC §10: the notice comes before login).

Dismisses with the signed-in user's MePublic.
"""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from sen_tui.api import ApiError, ServerUnreachable, SessionEnded
from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.text_inputs import TextInput
from shared.schemas import MePublic


def reflow(text: str) -> str:
    """The server wraps its notice for 80 columns; let it wrap to the box instead."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(paragraphs)


class LoginScreen(SenScreen[MePublic]):
    BINDINGS = [
        Binding("f2", "log_in", "Log in", id="login.submit"),
    ]
    AUTO_FOCUS = "#username"

    def __init__(
        self,
        session: Session,
        *,
        username: str = "",
        password: str = "",
        message: str = "",
    ) -> None:
        super().__init__(id="login")
        self.session = session
        self.prefill = (username, password)
        self.message = message
        self.resume_as: MePublic | None = None

    def compose(self) -> ComposeResult:
        username, password = self.prefill
        with VerticalScroll(id="login-box"):
            yield Static("SEN — Significant Event Notification", id="login-title")
            yield Static("SYSTEM-USE NOTICE", classes="notice-heading")
            yield Static("Loading the system-use notice…", id="notice")
            yield Label(Text(f"Server  {self.session.settings.display_server}"), id="login-server")
            with Horizontal(classes="login-row"):
                yield Label("Username", classes="login-label")
                yield TextInput(username, id="username", max_length=150, compact=True)
            with Horizontal(classes="login-row"):
                yield Label("Password", classes="login-label")
                yield TextInput(
                    password, id="password", password=True, max_length=1024, compact=True
                )
            with Horizontal(id="login-buttons"):
                yield Button("Log in", id="log-in", variant="primary")
                yield Button("Continue session", id="resume", classes="hidden")
            yield Label(Text(self.message), id="login-error")
        yield SenFooter()

    def on_mount(self) -> None:
        self.load_notice()
        self.look_for_stored_session()
        if self.prefill[0] and self.prefill[1]:
            self.query_one("#log-in").focus()

    @work(exclusive=True, group="notice", exit_on_error=False)
    async def load_notice(self) -> None:
        try:
            notice = await self.session.client.notice()
        except ServerUnreachable as exc:
            self.show_error(str(exc))
            return
        self.query_one("#notice", Static).update(Text(reflow(notice.text)))

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def look_for_stored_session(self) -> None:
        """A token kept in the keyring from an earlier run may still be valid."""
        token = await self.in_thread(self.session.tokens.load)
        if not token:
            return
        client = self.session.client
        client.token = token
        try:
            me = await client.me()
        except (SessionEnded, ServerUnreachable):
            client.token = None
            await self.in_thread(self.session.tokens.clear)
            return
        self.resume_as = me
        button = self.query_one("#resume", Button)
        button.label = Text(f"Continue as {me.user.username}")
        button.remove_class("hidden")

    @on(Input.Submitted, "#username")
    def next_field(self) -> None:
        self.query_one("#password").focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#log-in")
    def action_log_in(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.show_error("Enter your username and password.")
            return
        self.show_error("Logging in…")
        self.log_in(username, password)

    @on(Button.Pressed, "#resume")
    def resume(self) -> None:
        if self.resume_as is not None:
            self.dismiss(self.resume_as)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def log_in(self, username: str, password: str) -> None:
        client = self.session.client
        try:
            await client.login(username, password)
            me = await client.me()
        except (ApiError, ServerUnreachable) as exc:
            self.query_one("#password", Input).value = ""
            self.query_one("#password").focus()
            self.show_error(str(exc))
            return
        if client.token:
            await self.in_thread(self.session.tokens.save, client.token)
        notice = self.session.tokens.take_fallback_notice()
        if notice:
            self.app.notify(notice, title="Session", severity="warning", timeout=12, markup=False)
        self.dismiss(me)

    def show_error(self, text: str) -> None:
        self.query_one("#login-error", Label).update(Text(text))
