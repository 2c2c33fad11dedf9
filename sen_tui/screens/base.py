"""What every SEN screen shares: worker failures go to the App's one handler, and
keyring calls run in thread workers."""

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from textual.screen import ModalScreen, Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from sen_tui.failures import WorkFailed

T = TypeVar("T")
R = TypeVar("R")


class ForwardsFailures:
    """Mixin: a worker that dies reports to the App (Worker.StateChanged doesn't bubble)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.post_message(WorkFailed(event.worker.error))  # type: ignore[attr-defined]


class SenScreen(ForwardsFailures, Screen[T]):
    async def in_thread(self, fn: Callable[..., R], *args: Any) -> R:
        """Run a blocking call (keyring) in a thread worker and wait for it."""
        worker: Worker[R] = self.run_worker(
            partial(fn, *args), thread=True, exit_on_error=False, group="blocking"
        )
        return await worker.wait()


class SenModal(ForwardsFailures, ModalScreen[T]):
    def on_mount(self) -> None:
        # Every dialog shows its own keys, not those of the screen below it. (Textual calls
        # this as well as a dialog's own on_mount.)
        self.mount(Footer(compact=True))
