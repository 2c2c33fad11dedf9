"""The workspaces a caller may open, in the order the client offers them (SPEC §12).

Each comes from its domain's policy, so the client shows what the server enforces and keeps
no rule of its own. A domain that adds a workspace adds one entry here.
"""

from sen_server.audit.policy import may_read_audit
from sen_server.principal import Caller
from sen_server.queues.policy import queue_refs, reads_content
from sen_server.reports.policy import creatable_types
from sen_server.routing.policy import may_manage_rules
from shared.enums import Role, Workspace, WorkspaceAction
from shared.schemas import WorkspacePublic

W = WorkspaceAction

STATISTICS_NOTE = (
    "Statistics (counts by type, office, programme and period, without personal data) "
    "are not served by this server yet."
)


def workspaces_for(caller: Caller) -> list[WorkspacePublic]:
    spaces: list[WorkspacePublic] = []
    if reads_content(caller):
        actions = [W.NEW_REPORT] if creatable_types(caller) else []
        spaces.append(
            WorkspacePublic(
                name=Workspace.QUEUES,
                label="Reports",
                queues=queue_refs(caller),
                actions=[*actions, W.SEARCH],
            )
        )
    if caller.has(Role.STATISTICIAN):
        spaces.append(
            WorkspacePublic(name=Workspace.STATISTICS, label="Statistics", note=STATISTICS_NOTE)
        )
    if may_manage_rules(caller):
        spaces.append(
            WorkspacePublic(
                name=Workspace.ADMIN,
                label="Administration",
                actions=[W.READ_RULES, W.EDIT_RULES],
                note="Routing and review rules. Accounts are managed with sen-server user.",
            )
        )
    if may_read_audit(caller):
        spaces.append(WorkspacePublic(name=Workspace.AUDIT, label="Audit", actions=[W.READ_AUDIT]))
    return spaces
