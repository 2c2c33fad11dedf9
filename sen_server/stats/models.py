"""The statistics rollup: how many reports share one period and one set of envelope and
enum values, kept at three grains (day, ISO week, month) in the same transaction as every
report write (``stats.rollup``). An answer reads whole weeks or months at their own grain
and only the partial periods at its edges by day, so a five-year answer reads a few
thousand rows instead of a million reports (bench/README.md, section 12).

It holds no report ID and no body field other than two closed vocabularies (the SIR or
OPPRED category and the LEARA disposition): nothing here can name a person.
"""

from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel

# "No value" in a key column (a key column cannot be NULL: NULLs never match ON CONFLICT).
NONE = ""
NO_OFFICE = 0


class Grain(StrEnum):
    DAY = "d"
    WEEK = "w"  # ISO week, starting on Monday
    MONTH = "m"


class StatsRollup(SQLModel, table=True):
    __tablename__ = "stats_rollup"
    grain: str = Field(primary_key=True, max_length=1)
    start: date = Field(primary_key=True)  # the period's first day
    type: str = Field(primary_key=True, max_length=16)
    program: str = Field(primary_key=True, max_length=8)
    office_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(primary_key=True, max_length=16)
    category: str = Field(primary_key=True, max_length=40)
    disposition: str = Field(primary_key=True, max_length=40)
    late: bool = Field(primary_key=True)
    reports: int
