"""Which queues a caller has (SPEC §4), with the labels clients show. Reading the rows of any
queue is still decided by ``reports.policy.read_condition``; this only says which queues
are worth offering. Deny by default: a caller who may read no report content has none."""

from sen_server.principal import Caller
from sen_server.reports import policy as report_policy
from shared.enums import CONTENT_BLIND_ROLES, QueueBadge, QueueName, Role
from shared.schemas import QueueRef

Q = QueueName

QUEUE_TEXT: dict[QueueName, tuple[str, str]] = {
    Q.MINE: ("My queue", "Reports routed to you. Nothing has been routed to you yet."),
    Q.REVIEW: ("Review", "Reports waiting for your review. None is waiting."),
    Q.IROC: ("IROC", "IROC reports submitted in the last 72 hours. None in that window."),
    Q.INTEL: ("Intel", "Intelligence leads awaiting triage. None is waiting."),
    Q.DRAFTS: ("Drafts", "Your reports not yet submitted. You have none."),
    Q.REPORTS: ("My reports", "Every report you wrote. You have written none yet."),
    Q.ALL: ("All reports", "Every report you may read. There is none yet."),
}

# Work lists: every row waits for the reader's decision (review, triage), read or not, so
# their tabs count the rows; every other queue counts what is unread.
WORK_LISTS = frozenset({Q.REVIEW, Q.INTEL})


def reads_content(caller: Caller) -> bool:
    return not caller.roles <= CONTENT_BLIND_ROLES


def queues_for(caller: Caller) -> list[QueueName]:
    """The caller's queues, in the order clients list them."""
    if not reads_content(caller):
        return []
    queues = [Q.MINE]
    if caller.has(Role.IROC):
        queues.append(Q.IROC)
    # Named supervisors review their people's reports whatever their role (a SAC's
    # office manager supervises a group supervisor), so office managers get the queue too.
    if caller.has(Role.SUPERVISOR, Role.OFFICE_MANAGER):
        queues.append(Q.REVIEW)
    if caller.has(Role.INTEL_OPS):
        queues.append(Q.INTEL)
    if report_policy.creatable_types(caller):
        queues += [Q.DRAFTS, Q.REPORTS]
    queues.append(Q.ALL)
    return queues


def may_open(caller: Caller, queue: QueueName) -> bool:
    return queue in queues_for(caller)


def queue_refs(caller: Caller) -> list[QueueRef]:
    return [
        QueueRef(
            name=q,
            label=QUEUE_TEXT[q][0],
            help=QUEUE_TEXT[q][1],
            badge=QueueBadge.WAITING if q in WORK_LISTS else QueueBadge.UNREAD,
        )
        for q in queues_for(caller)
    ]
