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
