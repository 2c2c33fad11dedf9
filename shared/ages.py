"""A person's date of birth and stated age must agree (issue 10 item 3).

The age is counted in whole years on the day of the report's event (``event_at``, in
UTC), not on the day the form is saved: a report written a week after an arrest states the
age the person had at the arrest. This needs no server clock, so drafts, submissions and
the client's own check apply the same rule. Without an event time there is nothing to count
against, and the check waits.
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from shared.fields import FieldKind, FieldSpec
from shared.schemas import FieldError

BIRTH_FIELD, AGE_FIELD = "date_of_birth", "age"


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (negative when ``day`` comes first)."""
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - (1 if before_birthday else 0)


def age_errors(
    fields: Sequence[FieldSpec], body: dict[str, Any], event_at: datetime | None
) -> list[FieldError]:
    """Each block of ``body`` (a cleaned body: dates as ISO text) whose stated age is not
    the age its date of birth gives on the event day; the error is at the age."""
    if event_at is None:
        return []
    day = event_at.astimezone(UTC).date() if event_at.tzinfo else event_at.date()
    return list(_walk(fields, body, day, "body"))


def _walk(
    fields: Sequence[FieldSpec], data: dict[str, Any], day: date, path: str
) -> Iterator[FieldError]:
    kinds = {f.name: f.kind for f in fields}
    if kinds.get(BIRTH_FIELD) is FieldKind.DATE and kinds.get(AGE_FIELD) is FieldKind.INTEGER:
        problem = _disagreement(data.get(BIRTH_FIELD), data.get(AGE_FIELD), day)
        if problem:
            yield FieldError(field=f"{path}.{AGE_FIELD}", message=problem)
    for f in fields:
        value = data.get(f.name)
        if f.kind is FieldKind.GROUP and isinstance(value, dict):
            yield from _walk(f.fields or [], value, day, f"{path}.{f.name}")
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _walk(f.fields or [], item, day, f"{path}.{f.name}.{index}")


def _disagreement(born_text: Any, age: Any, day: date) -> str | None:
    if not isinstance(born_text, str) or not isinstance(age, int):
        return None  # one of them is missing (or already refused for its type)
    try:
        born = date.fromisoformat(born_text)
    except ValueError:
        return None
    expected = age_on(born, day)
    if expected == age:
        return None
    if expected < 0:
        return "does not match the date of birth, which is after the event date"
    return f"does not match the date of birth (would be {expected} on the event date)"
