"""The statistics contract (SPEC §7): what may be counted, how an answer looks.

Only envelope columns and closed vocabularies are counted; an answer holds counts and
the names of enum values, offices, areas and periods, never a person-level value.
"""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from shared.periods import Bucket

# Counts of 1 to 4 are shown like this where small cells are suppressed.
SUPPRESSED = "<5"
SMALLEST_SHOWN = 5
# An answer holds at most this many cells (periods x columns): a bigger one would not fit a
# screen or a chart, and keeps every answer fast.
MAX_CELLS = 5000
# And at most this many periods (rows): 400 days, or every week of seven years.
MAX_PERIODS = 400
# The earliest day statistics are asked about, and how far ahead they may reach.
EARLIEST_DAY = date(2000, 1, 1)


class Dimension(StrEnum):
    """What the columns of an answer count by."""

    TYPE = "type"
    CATEGORY = "category"  # SIR and OPPRED categories (arrests, seizures…)
    OFFICE = "office"
    AOR = "aor"
    PROGRAM = "program"
    STATUS = "status"
    LATE = "late"  # SIRs submitted late or on time
    DISPOSITION = "disposition"  # LEARA dispositions
    # Intelligence disseminations (SPEC §6), by channel: counts of the accounting of
    # disclosures, not of reports, so the report filters do not apply to it.
    DISSEMINATION = "dissemination"


DIMENSION_LABELS = {
    Dimension.TYPE: "Report type",
    Dimension.CATEGORY: "SIR category",
    Dimension.OFFICE: "Office",
    Dimension.AOR: "Area (AOR)",
    Dimension.PROGRAM: "Programme",
    Dimension.STATUS: "Status",
    Dimension.LATE: "Late SIRs",
    Dimension.DISPOSITION: "LEARA disposition",
    Dimension.DISSEMINATION: "Disseminations",
}
# The filters that narrow reports; a count of disseminations refuses them (a dissemination
# has no type, office or programme of its own). Names as the API's query parameters.
REPORT_FILTERS = ("type", "office", "aor", "program")


def counted(dimension: Dimension) -> str:
    """What an answer grouped by ``dimension`` counts, in words."""
    return "disseminations" if dimension is Dimension.DISSEMINATION else "reports"


BUCKET_LABELS = {
    Bucket.DAY: "Day",
    Bucket.WEEK: "Week",
    Bucket.MONTH: "Month",
    Bucket.FISCAL_YEAR: "Fiscal year",
}


class StatsRow(BaseModel):
    """One period: a count per column (None where suppressed, ``shown`` says "<5")."""

    label: str
    start: date
    end: date
    counts: list[int | None]
    shown: list[str]
    total: int  # of the counts shown: a suppressed cell adds nothing


class StatsPublic(BaseModel):
    group_by: Dimension
    bucket: Bucket
    since: date
    until: date
    columns: list[str]
    rows: list[StatsRow]
    column_totals: list[int]  # of the counts shown
    total: int  # of the counts shown
    suppressed: bool  # small cells shown as "<5" and left out of every total
    scope: str  # what the caller may count: "all", "area NYC", "programme HSI"…
    marking: str
