"""The chart's count axis: whole numbers from 0, a round step, the highest count covered
(plotext's own ticks read "249.2" reports)."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from sen_tui.widgets.stats_views import count_ticks

ROUND_STEPS = {m * 10**k for m in (1, 2, 5) for k in range(12)}


@given(st.integers(min_value=0, max_value=10**12))
def test_ticks_are_whole_round_and_cover_the_highest_count(highest: int) -> None:
    ticks = count_ticks(highest)
    steps = {b - a for a, b in pairwise(ticks)}
    assert ticks[0] == 0 and ticks[-1] >= highest
    assert 2 <= len(ticks) <= 6
    assert len(steps) == 1 and steps <= ROUND_STEPS
    # Less than a step of headroom: the bars fill most of the chart's height (an empty
    # chart still gets an axis from 0 to 1).
    assert ticks[-1] - highest < steps.pop() or ticks == [0, 1]


def test_small_counts_tick_every_report() -> None:
    assert count_ticks(3) == [0, 1, 2, 3]
    assert count_ticks(299) == [0, 100, 200, 300]
