"""The records schedule as data (SPEC §8): per report type, what starts the clock and how
many years after the cut-off a record goes to the records centre and is destroyed.

Types without a rule (SPOT broadcasts, news items) are not scheduled here and are kept.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.enums import ReportType


class Trigger(StrEnum):
    EVENT_DATE = "the event's date"
    COMPLETION = "completion of the response"
    CREATION = "creation"


@dataclass(frozen=True)
class RetentionRule:
    types: frozenset[str]
    trigger: Trigger
    transfer_years: int
    destroy_years: int


SCHEDULE: tuple[RetentionRule, ...] = (
    RetentionRule(
        frozenset({ReportType.SIR, ReportType.SPEAR, ReportType.OPPRED}),
        Trigger.EVENT_DATE,
        transfer_years=25,
        destroy_years=75,
    ),
    RetentionRule(frozenset({ReportType.LEARA}), Trigger.COMPLETION, 10, 15),
    RetentionRule(frozenset({ReportType.ERO_LEAD, ReportType.ERO_TAV}), Trigger.CREATION, 10, 25),
)

SCHEDULED_TYPES = frozenset(t for rule in SCHEDULE for t in rule.types)


def rule_for(report_type: str) -> RetentionRule | None:
    return next((rule for rule in SCHEDULE if report_type in rule.types), None)


def trigger_date(
    trigger: Trigger, *, event_at: datetime | None, created_at: datetime, body: dict[str, Any]
) -> date | None:
    """The day the clock starts (UTC), or None while it has not started (a LEARA whose
    response is not complete)."""
    if trigger is Trigger.CREATION:
        return created_at.date()
    if trigger is Trigger.EVENT_DATE:
        # A report never given an event date (an abandoned draft) still has to leave on
        # schedule: its creation is the latest the event can have been.
        return (event_at or created_at).date()
    completed = body.get("completed_at")
    if not isinstance(completed, str) or not completed:
        return None
    try:
        return datetime.fromisoformat(completed).date()
    except ValueError:
        return None
