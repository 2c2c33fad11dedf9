"""The shape of a report-type definition: fields, blocks, sections.

One definition per report type (in ``shared.catalogue``) drives the server's validation,
the PII masking, and the TUI's forms. This module only describes the shape.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class FieldKind(StrEnum):
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # narrative, multi-line
    ENUM = "enum"
    DATETIME = "datetime"  # ISO 8601 with offset, stored in UTC
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    A_NUMBER = "a_number"  # Alien Registration Number: A + 8 or 9 digits
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    REPORT_IDS = "report_ids"  # list of report IDs, e.g. NEWS related reports
    OFFICE = "office"  # an office code, picked from the offices the server lists
    GROUP = "group"  # one nested block (e.g. a Contact)
    LIST = "list"  # repeatable nested block (e.g. subjects)


class Prefill(StrEnum):
    """Whose profile a contact block starts from on a new report (SPEC §1)."""

    AUTHOR = "author"
    SUPERVISOR = "supervisor"  # the author's supervisor


class ReviewPolicy(StrEnum):
    MANDATORY = "mandatory"
    ELECTIVE = "elective"
    NONE = "none"


class FieldSpec(BaseModel):
    """One field of a report body, or of a nested block."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    help: str = ""
    kind: FieldKind
    required: bool = False  # required to submit; drafts may leave it empty
    pii: bool = False  # personal data: masked for public affairs, never logged
    section: str = ""
    enum: list[str] | None = None
    max_length: int | None = None
    max_items: int | None = None  # LIST and REPORT_IDS only
    # INTEGER and DECIMAL bounds: counts, ages and amounts are never negative, and the
    # TUI needs the same bounds the server enforces.
    min_value: int | None = None
    max_value: int | None = None
    fields: list["FieldSpec"] | None = None  # GROUP and LIST only
    # A CONTACT group the server fills from a profile when it starts a new report.
    prefill: Prefill | None = None


class ReportTypeSpec(BaseModel):
    """One report type: who may create it, whether it needs review, and its body fields."""

    model_config = ConfigDict(frozen=True)

    code: str
    label: str
    purpose: str
    programs: list[str]  # programs whose agents may create it (empty: role-based only)
    review: ReviewPolicy
    default_priority: str = "routine"
    late_after_hours: int | None = None  # SIR: flagged late if submitted >24 h after event
    event_at_label: str = "Event time"
    event_at_not_future: bool = False  # SIR/OPPRED: the event already happened
    event_at_now: bool = False  # SPOT: a new report starts at the present minute
    sections: list[str]
    fields: list[FieldSpec]


class Catalogue(BaseModel):
    """What ``GET /api/v1/report-types`` serves."""

    types: list[ReportTypeSpec]
