"""Which queues a user sees (SPEC §4): the navigation of the main screen, by role."""

from dataclasses import dataclass

from sen_tui.client import ALL_REPORTS
from shared.enums import CONTENT_BLIND_ROLES, Role
from shared.schemas import MePublic


@dataclass(frozen=True)
class QueueView:
    name: str  # as in GET /api/v1/queues/{name}; ALL_REPORTS is GET /api/v1/reports
    label: str
    roles: frozenset[Role] | None = None  # None: everyone who may read report content
    for_authors: bool = False  # only for users who may create reports


QUEUE_VIEWS = (
    QueueView("mine", "My queue"),  # delivered to me
    QueueView("review", "Review", frozenset({Role.SUPERVISOR})),
    QueueView("iroc", "IROC", frozenset({Role.IROC})),
    QueueView("intel", "Intel", frozenset({Role.INTEL_OPS, Role.HSI_INTEL})),
    QueueView("drafts", "Drafts", for_authors=True),  # mine, not yet submitted
    QueueView("reports", "My reports", for_authors=True),  # everything I wrote
    QueueView(ALL_REPORTS, "All reports"),  # everything I may read (GET /reports)
)


def queues_for(me: MePublic) -> list[QueueView]:
    roles = set(me.user.roles)
    if roles <= CONTENT_BLIND_ROLES:
        return []
    return [
        view
        for view in QUEUE_VIEWS
        if (view.roles is None or roles & view.roles)
        and (not view.for_authors or me.creatable_types)
    ]
