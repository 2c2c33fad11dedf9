"""The bar at the top of every signed-in screen: who, where, and whether we are live."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static

from sen_tui.live import ConnectionState
from sen_tui.session import Session

_STATES = {
    ConnectionState.CONNECTING: ("◌ connecting", "yellow"),
    ConnectionState.LIVE: ("● live", "green"),
    ConnectionState.RECONNECTING: ("◌ reconnecting", "yellow"),
}


class ConnectionIndicator(Static):
    """Shows the live connection's state; follows the session's connection signal."""

    def __init__(self, session: Session) -> None:
        super().__init__(id="connection")
        self.session = session

    def on_mount(self) -> None:
        self.show(self.session.connection_state)
        self.session.connection.subscribe(self, self.show)

    def show(self, state: ConnectionState) -> None:
        label, style = _STATES[state]
        self.update(Text(label, style=style))
        if state is ConnectionState.RECONNECTING:
            self.tooltip = "The server is not answering; unsaved input is kept."
        else:
            self.tooltip = None


class SessionBar(Horizontal):
    def __init__(self, session: Session, *, title: str = "") -> None:
        super().__init__(id="session-bar")
        self.session = session
        self.title_text = title

    def compose(self) -> ComposeResult:
        me = self.session.me
        who = ""
        if me is not None:
            office = me.user.office.code if me.user.office else "no office"
            who = f"{me.user.username} · {', '.join(me.user.roles)} · {office}"
        yield Label("SEN", id="brand")
        yield Label(Text(self.title_text), id="screen-title")
        yield Label(Text(who), id="who")
        yield Label(Text(self.session.settings.display_server), id="server")
        yield ConnectionIndicator(self.session)
