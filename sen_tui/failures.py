"""What a failed worker means to the user. Screens and dialogs forward failures here through
one Message; the App shows them (or locks, when the session is gone)."""

from textual.message import Message
from textual.worker import Worker, WorkerState

from sen_tui.api import ApiError, ServerUnreachable, SessionEnded


class WorkFailed(Message):
    """A worker died with ``error``; the App decides what the user sees."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class ForwardsFailures:
    """Mixin: a worker that dies reports to the App (Worker.StateChanged doesn't bubble)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.post_message(WorkFailed(event.worker.error))  # type: ignore[attr-defined]


def describe(error: BaseException) -> tuple[str, str]:
    """(message, severity) for a notification. Never echoes submitted values: the
    server's messages are written from field definitions, and ours name types only."""
    if isinstance(error, SessionEnded):
        return "Your session has ended. Log in again.", "warning"
    if isinstance(error, ServerUnreachable):
        return f"{error} Your unsaved input is kept; try again.", "warning"
    if isinstance(error, ApiError):
        return error.detail, "error"
    return f"Something went wrong ({type(error).__name__}). Your input is kept.", "error"
