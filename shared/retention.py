"""Wire schemas of legal holds (SPEC §8): placed and lifted by administrators, with a
reason; a report under an active hold is neither transferred nor destroyed."""

from datetime import datetime

from pydantic import BaseModel, Field, computed_field

from shared.schemas import Strict

REPORT_ID_PATTERN = r"^[A-Z_]+-\d{4}-\d{6,}$"


class LegalHoldCreate(Strict):
    report_id: str = Field(min_length=1, max_length=32, pattern=REPORT_ID_PATTERN)
    reason: str = Field(min_length=1, max_length=2000)


class LegalHoldLift(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class LegalHoldPublic(BaseModel):
    id: int
    report_id: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None
    lift_reason: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def active(self) -> bool:
        return self.lifted_at is None
