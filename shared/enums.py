"""Closed vocabularies used on the wire and in storage (SPEC §1-§4)."""

from enum import StrEnum


class Program(StrEnum):
    HSI = "HSI"
    ERO = "ERO"
    HQ = "HQ"


class OfficeKind(StrEnum):
    HQ = "HQ"
    IROC = "IROC"
    HSI_SAC = "HSI_SAC"
    HSI_RAC = "HSI_RAC"
    ERO_FOD = "ERO_FOD"
    FIG = "FIG"
    INTEL_OPS = "INTEL_OPS"
    HSI_INTEL = "HSI_INTEL"
    OPA = "OPA"
    OPR = "OPR"


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    OFFICE_MANAGER = "office_manager"
    IROC = "iroc"
    HQ_AGENT = "hq_agent"
    INTEL_OPS = "intel_ops"
    HSI_INTEL = "hsi_intel"
    PUBLIC_AFFAIRS = "public_affairs"
    OPR = "opr"
    STATISTICIAN = "statistician"
    ADMIN = "admin"
    AUDITOR = "auditor"


# Roles that see no report content at all (SPEC §1).
CONTENT_BLIND_ROLES = frozenset({Role.STATISTICIAN, Role.ADMIN, Role.AUDITOR})

# Roles whose holders receive reports routed to their office (SPEC §4).
RECEIVING_ROLES = frozenset(Role) - {Role.AGENT, Role.STATISTICIAN, Role.ADMIN, Role.AUDITOR}


class ReportType(StrEnum):
    SIR = "SIR"
    OPPRED = "OPPRED"
    SPEAR = "SPEAR"
    LEARA = "LEARA"
    SPOT = "SPOT"
    ERO_LEAD = "ERO_LEAD"
    ERO_TAV = "ERO_TAV"
    NEWS = "NEWS"


class ReportStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    CLOSED = "closed"


# Editable by the author; "returned" is a draft that carries the reviewer's comment.
EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class Priority(StrEnum):
    ROUTINE = "routine"
    PRIORITY = "priority"
    FLASH = "flash"


class AuditOutcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


DEFAULT_MARKING = "LAW ENFORCEMENT SENSITIVE"


# ---- what a user may do, and where (the server decides; the client shows) ---------------


class ReportAction(StrEnum):
    """Actions on one report. ``ReportPublic.allowed_actions`` lists those the reader may take,
    computed by the same policy functions that the server's handlers enforce."""

    EDIT = "edit"
    DELETE = "delete"
    REQUEST_REVIEW = "request_review"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    AMEND = "amend"
    ACKNOWLEDGE = "acknowledge"
    DISPOSITION = "disposition"
    CLOSE = "close"


class QueueName(StrEnum):
    """The queues of ``GET /api/v1/queues/{name}``; ``GET /api/v1/me`` says which a user has."""

    MINE = "mine"  # deliveries to me
    IROC = "iroc"  # every IROC-visible report of the last 72 h
    REVIEW = "review"  # in review, mine to decide
    INTEL = "intel"  # leads awaiting triage
    DRAFTS = "drafts"  # mine, not yet submitted
    REPORTS = "reports"  # everything I wrote
    ALL = "all"  # everything I may read


class QueueBadge(StrEnum):
    """Which count a queue's tab shows beside its label."""

    UNREAD = "unread"  # rows the reader has not opened since they came or changed
    WAITING = "waiting"  # every row: a work list, each row waits for the reader to act


class Workspace(StrEnum):
    """A part of the client with its own screens, offered by ``GET /api/v1/me``."""

    QUEUES = "queues"
    SUMMARIES = "summaries"
    INTEL = "intel"
    STATISTICS = "statistics"
    NEWS = "news"
    AUDIT = "audit"
    ADMIN = "admin"


class WorkspaceAction(StrEnum):
    """What a user may do in a workspace beyond its queues (keys the client shows)."""

    NEW_REPORT = "new_report"
    SEARCH = "search"
    READ_AUDIT = "read_audit"
    FAILED_LOGONS = "failed_logons"  # the failed-logon report of the audit workspace
    VERIFY_AUDIT = "verify_audit"  # run a chain verification from the client
    READ_RULES = "read_rules"
    EDIT_RULES = "edit_rules"
    COMPOSE_SUMMARY = "compose_summary"  # the summaries workspace (iroc)
    LINK_REPORTS = "link_reports"  # news: link and unlink the reports a story covers
    # intelligence (SPEC §6)
    READ_LEADS = "read_leads"
    TRIAGE_LEADS = "triage_leads"
    READ_PRODUCTS = "read_products"
    WRITE_PRODUCTS = "write_products"
    AUTHORIZE_PRODUCTS = "authorize_products"
    DISSEMINATE = "disseminate"
    READ_DISCLOSURES = "read_disclosures"
    MANAGE_AGENCIES = "manage_agencies"
    MANAGE_HOLDS = "manage_holds"  # legal holds (SPEC §8), from the administration workspace
    MANAGE_USERS = "manage_users"
    MANAGE_OFFICES = "manage_offices"
    MANAGE_LISTS = "manage_lists"  # distribution lists (SPEC §5), in the administration workspace
    COUNT_DISSEMINATIONS = "count_disseminations"  # statistics of intel disseminations (§7)


class DeliveryState(StrEnum):
    NEW = "new"
    READ = "read"
    ACKNOWLEDGED = "acknowledged"


class ObjectType(StrEnum):
    """What an audit record or a live event is about."""

    REPORT = "report"
    QUEUE = "queue"
    USER = "user"
    OFFICE = "office"
    RULE = "rule"
    AUDIT = "audit"
    SUMMARY = "summary"
    # intelligence (SPEC §6)
    INTEL_LEAD = "intel_lead"
    INTEL_PRODUCT = "intel_product"
    AGENCY = "agency"
    DISCLOSURE = "disclosure"


class EventKind(StrEnum):
    """Live events (SPEC §4). Each kind belongs to one object type; the server shows an
    event only to readers its object type's visibility rule admits, and nobody otherwise."""

    REPORT_SUBMITTED = "report.submitted"
    REPORT_UPDATED = "report.updated"
    REPORT_APPROVED = "report.approved"
    REPORT_RETURNED = "report.returned"
    REPORT_REVIEW_REQUESTED = "report.review_requested"
    REPORT_ACKNOWLEDGED = "report.acknowledged"
    SPOT_FLASH = "spot.flash"
    SUMMARY_SENT = "summary.sent"
    # intelligence: shown to intel_ops; the flag also to hsi_intel (events.visibility)
    LEAD_TRIAGED = "lead.triaged"
    LEAD_FLAGGED_FOR_HSI = "lead.flagged_for_hsi"


class AuditAction(StrEnum):
    """Every kind of audit record (SPEC §9)."""

    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an action name)
    RULES_ACKNOWLEDGED = "auth.rules_acknowledged"
    TOKEN_REJECTED = "auth.token_rejected"  # noqa: S105 (an action name)
    RATE_LIMITED = "auth.rate_limited"
    AUDIT_TERM_CHECK = "audit.term_check"
    REQUEST_DENIED = "request.denied"
    REPORT_CREATE = "report.create"
    REPORT_VIEW = "report.view"
    REPORT_LIST = "report.list"
    REPORT_UPDATE = "report.update"
    REPORT_DELETE = "report.delete"
    REPORT_SUBMIT = "report.submit"
    REPORT_REQUEST_REVIEW = "report.request_review"
    REPORT_APPROVE = "report.approve"
    REPORT_RETURN = "report.return"
    REPORT_AMEND = "report.amend"
    REPORT_ACKNOWLEDGE = "report.acknowledge"
    REPORT_DISPOSITION = "report.disposition"
    REPORT_CLOSE = "report.close"
    REPORT_VERSIONS = "report.versions"
    REPORT_COMPARE = "report.compare"
    REPORT_ROUTING = "report.routing"
    REPORT_START = "report.start"  # a new report's starting values (profiles' contacts)
    QUEUE_VIEW = "queue.view"
    QUEUE_COUNTS = "queue.counts"
    # A queue row the live stream put on a reader's screen: a view of its envelope.
    QUEUE_ROW_PUSHED = "queue.row_pushed"
    EVENTS_SUBSCRIBE = "events.subscribe"
    DIRECTORY_USERS = "directory.users"
    DIRECTORY_OFFICES = "directory.offices"
    AUDIT_READ = "audit.read"
    AUDIT_FAILED_LOGONS = "audit.failed_logons"
    AUDIT_VERIFY = "audit.verify"
    ROUTING_RULES_READ = "admin.routing_rules.read"
    ROUTING_RULES_UPDATE = "admin.routing_rules.update"
    REVIEW_RULES_READ = "admin.review_rules.read"
    REVIEW_RULES_UPDATE = "admin.review_rules.update"
    USER_ADD = "admin.user_add"
    USER_LIST = "admin.user_list"
    USER_ROLES = "admin.user_roles"
    USER_UNLOCK = "admin.user_unlock"
    USER_ENABLE = "admin.user_enable"
    USER_DISABLE = "admin.user_disable"
    PASSWORD_RESET = "admin.password_reset"  # noqa: S105 (an action name)
    USER_UPDATE = "admin.user_update"
    OFFICE_LIST = "admin.office_list"
    OFFICE_ADD = "admin.office_add"
    OFFICE_UPDATE = "admin.office_update"
    OFFICE_RETIRE = "admin.office_retire"
    ORG_LOAD = "admin.org_load"
    DEMO_ORG = "admin.demo_org"
    JOB_RUN = "job.run"
    OUTBOX_DELIVERY = "outbox.delivery"
    SUMMARY_CANDIDATES = "summary.candidates"
    SUMMARY_CREATE = "summary.create"
    SUMMARY_UPDATE = "summary.update"
    SUMMARY_SEND = "summary.send"
    SUMMARY_RETRY = "summary.retry"
    SUMMARY_VIEW = "summary.view"
    SUMMARY_LIST = "summary.list"
    DISTRIBUTION_LISTS_READ = "admin.distribution_lists.read"
    DISTRIBUTION_LIST_CREATE = "admin.distribution_list.create"
    DISTRIBUTION_LIST_UPDATE = "admin.distribution_list.update"
    DISTRIBUTION_LIST_RETIRE = "admin.distribution_list.retire"
    # News tracking (SPEC §7): reading the list and a story, linking and unlinking reports.
    NEWS_LIST = "news.list"
    NEWS_VIEW = "news.view"
    NEWS_LINK = "news.link"
    NEWS_UNLINK = "news.unlink"
    NEWS_OUTLETS = "news.outlets"
    REPORT_NEWS = "report.news"  # a report's coverage, shown on its detail
    # intelligence (SPEC §6)
    LEAD_LIST = "intel.lead_list"
    LEAD_TRIAGE = "intel.lead_triage"
    LEAD_TRIAGE_HISTORY = "intel.lead_triage_history"
    PRODUCT_CREATE = "intel.product_create"
    PRODUCT_UPDATE = "intel.product_update"
    PRODUCT_VIEW = "intel.product_view"
    PRODUCT_LIST = "intel.product_list"
    PRODUCT_AUTHORIZE = "intel.product_authorize"
    DISSEMINATE = "intel.disseminate"
    DISCLOSURES_READ = "intel.disclosures_read"
    AGENCY_LIST = "admin.agency_list"
    AGENCY_ADD = "admin.agency_add"
    AGENCY_UPDATE = "admin.agency_update"  # details names the changed fields
    AGENCY_REMOVE = "admin.agency_remove"  # the accounting keeps its own copy of the agency
    # Retention (SPEC §8): one record per report disposed of; legal holds (admin).
    RETENTION_TRANSFER = "retention.transfer"
    RETENTION_DESTROY = "retention.destroy"
    HOLDS_READ = "admin.holds.read"
    HOLD_PLACE = "admin.hold_place"
    HOLD_LIFT = "admin.hold_lift"
