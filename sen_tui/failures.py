"""What a failed worker means to the user. Screens forward failures here through one
Message; the App shows them (or locks, when the session is gone)."""

from textual.message import Message

from sen_tui.client import ApiError, ServerUnreachable, SessionEnded


class WorkFailed(Message):
    """A worker died with ``error``; the App decides what the user sees."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


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
