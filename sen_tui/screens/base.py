"""What every SEN screen shares: worker failures go to the App's one handler, and
keyring calls run in thread workers."""

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from textual.screen import Screen
from textual.worker import Worker

from sen_tui.failures import ForwardsFailures

T = TypeVar("T")
R = TypeVar("R")


class SenScreen(ForwardsFailures, Screen[T]):
    async def in_thread(self, fn: Callable[..., R], *args: Any) -> R:
        """Run a blocking call (keyring) in a thread worker and wait for it."""
        worker: Worker[R] = self.run_worker(
            partial(fn, *args), thread=True, exit_on_error=False, group="blocking"
        )
        return await worker.wait()
