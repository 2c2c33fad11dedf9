"""Workspaces: one Textual mode per workspace the server offers in ``/me``, each with its own
screen stack. After sign-in the user lands on the first; a key (w) and the command palette
("workspace: …") switch between them; logging out removes them all.

A workspace this client has no screens for yet shows the server's note, so that a newer
server's workspace is never a dead end."""

from collections.abc import Callable, Iterator
from functools import partial

from textual import work
from textual.app import SystemCommand
from textual.screen import Screen

from sen_tui.flows.host import FlowHost
from sen_tui.modals.pick_workspace import PickWorkspaceModal
from sen_tui.screens.admin import AdminScreen
from sen_tui.screens.audit import AuditScreen
from sen_tui.screens.intel import IntelScreen
from sen_tui.screens.news import NewsScreen
from sen_tui.screens.queues import QueuesScreen
from sen_tui.screens.statistics import StatisticsScreen
from sen_tui.screens.summaries import SummariesScreen
from sen_tui.screens.workspace import WorkspaceScreen
from sen_tui.screens.workspace_note import WorkspaceNoteScreen
from sen_tui.session import Session
from shared.enums import Workspace
from shared.schemas import WorkspacePublic

SIGNED_OUT = "signed-out"  # the mode of the sign-in screens
NO_WORKSPACE = WorkspacePublic(
    name=Workspace.QUEUES,
    label="No workspace",
    note="The server offers your account no workspace. Ask an administrator which roles "
    "you should have; you can log out with x.",
)

ScreenFactory = Callable[[Session, WorkspacePublic], WorkspaceScreen]
SCREENS: dict[Workspace, ScreenFactory] = {
    Workspace.QUEUES: QueuesScreen,
    Workspace.AUDIT: AuditScreen,
    Workspace.ADMIN: AdminScreen,
    Workspace.SUMMARIES: SummariesScreen,
    Workspace.NEWS: NewsScreen,
    Workspace.INTEL: IntelScreen,
    Workspace.STATISTICS: StatisticsScreen,
}


def workspace_screen(session: Session, workspace: WorkspacePublic) -> WorkspaceScreen:
    return SCREENS.get(workspace.name, WorkspaceNoteScreen)(session, workspace)


class WorkspaceModes(FlowHost):
    DEFAULT_MODE = SIGNED_OUT
    MODES = {SIGNED_OUT: lambda: Screen(id="signed-out")}

    @property
    def workspaces(self) -> list[WorkspacePublic]:
        me = self.session.me if self.session is not None else None
        return list(me.workspaces) if me is not None else []

    async def open_workspaces(self, session: Session) -> None:
        """One mode per workspace, then the first workspace on screen."""
        offered = self.workspaces
        for workspace in offered:
            self.add_mode(workspace.name.value, partial(workspace_screen, session, workspace))
        if not offered:  # a dead end but for the keys to log out: say so
            self.add_mode(
                NO_WORKSPACE.name.value, partial(WorkspaceNoteScreen, session, NO_WORKSPACE)
            )
        self.workspace_modes = [w.name.value for w in offered or [NO_WORKSPACE]]
        await self.switch_mode(self.workspace_modes[0])

    async def close_workspaces(self) -> None:
        """Back to the sign-in mode; every workspace's screens are removed."""
        if self.current_mode != SIGNED_OUT:
            await self.switch_mode(SIGNED_OUT)
        for mode in self.workspace_modes:
            await self.remove_mode(mode)
        self.workspace_modes = []

    def switch_workspace(self, name: str) -> None:
        if name in self.workspace_modes and name != self.current_mode:
            self.switch_mode(name)

    def may_switch_workspace(self) -> bool:
        session = self.session
        return session is not None and not session.locked and len(self.workspace_modes) > 1

    @work(exclusive=True, group="pick-workspace", exit_on_error=False)
    async def action_pick_workspace(self) -> None:
        if not self.may_switch_workspace():
            return
        picked = await self.push_screen_wait(PickWorkspaceModal(self.workspaces, self.current_mode))
        if picked:
            self.switch_workspace(picked)

    def workspace_commands(self) -> Iterator[SystemCommand]:
        """A palette entry per other workspace: "workspace: Audit log"."""
        if not self.may_switch_workspace():
            return
        for workspace in self.workspaces:
            if workspace.name != self.current_mode:
                yield SystemCommand(
                    f"workspace: {workspace.label}",
                    f"Go to the {workspace.label} workspace",
                    partial(self.switch_workspace, workspace.name),
                )
