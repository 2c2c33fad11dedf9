"""What every workspace's base screen shares. Each workspace the server offers in ``/me``
(queues, audit, administration, statistics…) is a Textual mode whose base screen is a
WorkspaceScreen: it gets the session and its ``WorkspacePublic`` as attributes and shows
what the server says the user may do there, nothing more."""

from textual.binding import Binding

from sen_tui.screens.base import SenScreen
from sen_tui.session import Session
from shared.schemas import WorkspacePublic

# Appended by each workspace screen after its own keys, so that they come last in the footer.
WORKSPACE_BINDINGS = [
    Binding("w", "app.pick_workspace", "Workspaces", id="workspace.pick"),
    Binding("p", "app.change_password", "Change password", id="session.password", show=False),
    Binding("x", "app.log_out", "Log out", id="session.log_out"),
]


class WorkspaceScreen(SenScreen[None]):
    def __init__(self, session: Session, workspace: WorkspacePublic) -> None:
        super().__init__(id=f"workspace-{workspace.name}")
        self.session = session
        self.workspace = workspace

    @property
    def ready(self) -> bool:
        """Whether what the workspace shows first has loaded (tests wait on it)."""
        return True
