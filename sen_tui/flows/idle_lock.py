"""The idle lock: after the user's idle timeout without a key or a click, the lock screen
asks for the password again; unlocking resumes the live stream with the new token."""

from textual import events

from sen_tui.flows.host import FlowHost
from sen_tui.screens.lock import LockScreen


class IdleLock(FlowHost):
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown):
            self.last_input = self.monotonic()
        await super().on_event(event)

    def lock_after_seconds(self) -> int | None:
        session = self.session
        if session is None or session.me is None:
            return None
        return self.settings.idle_lock_seconds or session.me.idle_timeout_seconds

    def check_idle_lock(self) -> None:
        limit = self.lock_after_seconds()
        if limit is not None and self.monotonic() - self.last_input >= limit:
            minutes = max(1, round(limit / 60))
            self.lock(f"Locked after {minutes} minute{'s' * (minutes > 1)} without input.")

    def action_lock(self) -> None:
        self.lock("Locked by you.")

    def lock(self, reason: str) -> None:
        session = self.session
        if session is None or session.me is None or session.locked:
            return
        session.locked = True
        self.push_screen(LockScreen(session, reason), callback=self.unlocked)

    def unlocked(self, unlocked: bool | None) -> None:
        if self.session is not None:
            self.session.locked = False
        self.last_input = self.monotonic()
        if unlocked:
            self.follow_live()  # the stream carried the old token
        else:
            self.log_out()
