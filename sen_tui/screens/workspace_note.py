"""A workspace the server offers whose screens this client does not have yet (statistics,
today): its name and the server's note on what it offers so far, and the keys to go
elsewhere. Never a dead end: another workspace, the password and logging out are a key
away."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from sen_tui.screens.workspace import WORKSPACE_BINDINGS, WorkspaceScreen
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.session_bar import SessionBar

NO_NOTE = "There is nothing to show here yet."


class WorkspaceNoteScreen(WorkspaceScreen):
    BINDINGS = [*WORKSPACE_BINDINGS]

    def compose(self) -> ComposeResult:
        yield SessionBar(self.session, title=self.workspace.label)
        with VerticalScroll(id="workspace-note-box"):
            yield Static(Text(self.workspace.label), id="workspace-note-title")
            yield Static(Text(self.workspace.note or NO_NOTE), id="workspace-note")
        yield SenFooter()
