"""The fiscal-year cut-off and the schedule's due dates, against dates worked out by hand.

The federal fiscal year ends on 30 September (FY2026: 1 Oct 2025 - 30 Sep 2026); the cut-off
is the end of the fiscal year holding the trigger date, and "cut-off + N years" is due from
the next day, 1 October.
"""

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from sen_server.retention.cutoff import cutoff, due_after, fiscal_year
from sen_server.retention.plan import Disposition, due_item


@pytest.mark.parametrize(
    ("trigger", "fy", "cut"),
    [
        (date(2025, 9, 30), 2025, date(2025, 9, 30)),  # the last day of FY2025
        (date(2025, 10, 1), 2026, date(2026, 9, 30)),  # the first day of FY2026
        (date(2026, 1, 1), 2026, date(2026, 9, 30)),
        (date(2025, 12, 31), 2026, date(2026, 9, 30)),
        (date(2024, 2, 29), 2024, date(2024, 9, 30)),  # a leap day
        (date(2000, 10, 1), 2001, date(2001, 9, 30)),
    ],
)
def test_cutoff_is_the_end_of_the_fiscal_year_holding_the_trigger(
    trigger: date, fy: int, cut: date
) -> None:
    assert fiscal_year(trigger) == fy
    assert cutoff(trigger) == cut


@pytest.mark.parametrize(
    ("trigger", "years", "due"),
    [
        (date(2025, 9, 30), 25, date(2050, 10, 1)),
        (date(2025, 10, 1), 25, date(2051, 10, 1)),  # one day later, one year later
        (date(2024, 2, 29), 75, date(2099, 10, 1)),  # leap day: no 29 Feb to meet
        (date(2020, 2, 29), 10, date(2030, 10, 1)),
        (date(1999, 10, 1), 15, date(2015, 10, 1)),
    ],
)
def test_due_from_the_day_after_cutoff_plus_years(trigger: date, years: int, due: date) -> None:
    assert due_after(trigger, years) == due


def _row(report_type: str, **values: Any) -> Any:
    created = values.pop("created_at", datetime(2025, 9, 30, 12, tzinfo=UTC))
    return SimpleNamespace(
        id=f"{report_type}-2025-000001",
        type=report_type,
        event_at=values.pop("event_at", None),
        created_at=created,
        revision=1,
        body=values.pop("body", {}),
    )


def test_an_sir_is_transferred_from_1_october_25_years_on_and_destroyed_75_years_on() -> None:
    # Event on 30 Sep 2025 (UTC): cut-off 30 Sep 2025.
    row = _row("SIR", event_at=datetime(2025, 9, 30, 23, 59, tzinfo=UTC))
    assert due_item(row, date(2050, 9, 30), set()) is None
    transfer = due_item(row, date(2050, 10, 1), set())
    assert transfer is not None
    assert (transfer.action, transfer.due_on) == (Disposition.TRANSFER, date(2050, 10, 1))
    assert "cut-off 2025-09-30" in transfer.why()
    assert due_item(row, date(2100, 9, 30), set()).action is Disposition.TRANSFER  # type: ignore[union-attr]
    destroy = due_item(row, date(2100, 10, 1), {row.id})
    assert destroy is not None
    assert (destroy.action, destroy.due_on, destroy.held) == (
        Disposition.DESTROY,
        date(2100, 10, 1),
        True,
    )


def test_an_sir_of_1_october_waits_a_year_longer() -> None:
    row = _row("SIR", event_at=datetime(2025, 10, 1, 0, 0, tzinfo=UTC))
    assert due_item(row, date(2051, 9, 30), set()) is None
    assert due_item(row, date(2051, 10, 1), set()) is not None


def test_leara_clock_starts_at_completion_ero_at_creation_spot_never() -> None:
    assert due_item(_row("LEARA"), date(2200, 1, 1), set()) is None  # response not complete
    leara = _row("LEARA", body={"completed_at": "2024-02-29T10:00:00+00:00"})
    assert due_item(leara, date(2034, 9, 30), set()) is None
    assert due_item(leara, date(2034, 10, 1), set()).action is Disposition.TRANSFER  # type: ignore[union-attr]
    assert due_item(leara, date(2039, 10, 1), set()).action is Disposition.DESTROY  # type: ignore[union-attr]
    lead = _row("ERO_LEAD", created_at=datetime(2025, 10, 1, 1, tzinfo=UTC))
    assert due_item(lead, date(2036, 9, 30), set()) is None
    assert due_item(lead, date(2036, 10, 1), set()).action is Disposition.TRANSFER  # type: ignore[union-attr]
    assert due_item(lead, date(2051, 10, 1), set()).action is Disposition.DESTROY  # type: ignore[union-attr]
    assert due_item(_row("SPOT"), date(2999, 1, 1), set()) is None
