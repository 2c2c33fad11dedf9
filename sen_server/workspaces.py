"""The workspaces a caller may open, in the order the client offers them (SPEC §12).

Each comes from its domain's policy, so the client shows what the server enforces and keeps
no rule of its own. A domain that adds a workspace adds one entry here.
"""

from sen_server.admin.policy import may_administer
from sen_server.audit.policy import may_read_audit, may_verify_audit
from sen_server.intel import policy as intel
from sen_server.news.policy import may_track_news
from sen_server.principal import Caller
from sen_server.queues.policy import queue_refs, reads_content
from sen_server.reports.policy import creatable_types
from sen_server.retention.policy import may_manage_holds
from sen_server.routing.policy import may_manage_rules
from sen_server.stats.policy import may_count_disseminations, may_read_stats
from sen_server.summaries.policy import may_manage_lists, may_summarise
from shared.enums import Workspace, WorkspaceAction
from shared.schemas import WorkspacePublic

W = WorkspaceAction

STATISTICS_NOTE = "Counts of reports by type, office, programme and period; no personal data."


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
    if may_summarise(caller):
        spaces.append(
            WorkspacePublic(
                name=Workspace.SUMMARIES,
                label="Summaries",
                actions=[W.COMPOSE_SUMMARY],
                note="Summarise the last 24 hours for leadership, citing each report.",
            )
        )
    if may_read_stats(caller):
        counts = [W.COUNT_DISSEMINATIONS] if may_count_disseminations(caller) else []
        spaces.append(
            WorkspacePublic(
                name=Workspace.STATISTICS, label="Statistics", actions=counts, note=STATISTICS_NOTE
            )
        )
    if may_manage_rules(caller):
        spaces.append(
            WorkspacePublic(
                name=Workspace.ADMIN,
                label="Administration",
                actions=[
                    W.READ_RULES,
                    W.EDIT_RULES,
                    *([W.MANAGE_USERS, W.MANAGE_OFFICES] if may_administer(caller) else []),
                    *([W.MANAGE_HOLDS] if may_manage_holds(caller) else []),
                    *([W.MANAGE_LISTS] if may_manage_lists(caller) else []),
                    *([W.MANAGE_AGENCIES] if intel.may_manage_agencies(caller) else []),
                ],
            )
        )
    if may_read_audit(caller):
        audit_actions = [W.READ_AUDIT, W.FAILED_LOGONS]
        if may_verify_audit(caller):
            audit_actions.append(W.VERIFY_AUDIT)
        spaces.append(WorkspacePublic(name=Workspace.AUDIT, label="Audit", actions=audit_actions))
    if intel.may_use_intel(caller):
        spaces.append(intel_workspace(caller))
    if may_track_news(caller):
        spaces.append(
            WorkspacePublic(
                name=Workspace.NEWS,
                label="News",
                actions=[W.LINK_REPORTS],
                note="News stories about the agency, and the reports each covers.",
            )
        )
    return spaces


def intel_workspace(caller: Caller) -> WorkspacePublic:
    """Intelligence (SPEC §6): what each intel role may do there, from intel.policy."""
    offered = [
        (intel.may_list_leads(caller), W.READ_LEADS),
        (intel.may_triage(caller), W.TRIAGE_LEADS),
        (intel.may_read_products(caller), W.READ_PRODUCTS),
        (intel.may_write_products(caller), W.WRITE_PRODUCTS),
        (intel.may_write_products(caller), W.AUTHORIZE_PRODUCTS),
        (intel.may_disseminate(caller), W.DISSEMINATE),
        (intel.may_read_disclosures(caller), W.READ_DISCLOSURES),
    ]
    return WorkspacePublic(
        name=Workspace.INTEL,
        label="Intelligence",
        actions=[action for allowed, action in offered if allowed],
    )
