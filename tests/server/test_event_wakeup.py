"""The in-process wake-up that tells event streams to re-read the events table."""

import asyncio
import time

import pytest

from sen_server.events.bus import Wakeup

pytestmark = pytest.mark.alone  # wakes within 0.5 s


async def test_a_wakeup_between_read_and_wait_is_not_lost() -> None:
    """A commit that lands after a stream read the table but before it started waiting
    must still wake it at once, not after the 5 s safety poll."""
    wakeup = Wakeup()
    armed = wakeup.arm()  # the stream arms, then reads the table (finds nothing new)
    wakeup.fire()  # an event commits in between
    started = time.monotonic()
    assert await wakeup.wait(5, armed) is True
    assert time.monotonic() - started < 0.5


async def test_every_waiter_wakes_and_later_waiters_wait_for_the_next_fire() -> None:
    wakeup = Wakeup()
    waiters = [asyncio.create_task(wakeup.wait(5)) for _ in range(3)]
    await asyncio.sleep(0)
    wakeup.fire()
    assert await asyncio.gather(*waiters) == [True, True, True]
    assert await wakeup.wait(0.05) is False
