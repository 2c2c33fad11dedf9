"""The live stream's Messages, relayed to the session's signals that screens subscribe to;
a flash SPOT also rings and raises a notification wherever the user is."""

from textual import work

from sen_tui.flows.host import FlowHost
from sen_tui.live import ConnectionChanged, LiveEvent, LiveSessionEnded, follow_events
from shared.enums import EventKind
from shared.schemas import EventPublic


class LiveRelay(FlowHost):
    @work(exclusive=True, group="live", exit_on_error=False)
    async def follow_live(self) -> None:
        if self.session is not None:
            await follow_events(self.session.client, self.post_message)

    def on_live_event(self, message: LiveEvent) -> None:
        if self.session is None:
            return
        event = message.event
        if event.kind is EventKind.SPOT_FLASH:
            self.announce_flash(event)
        self.session.events.publish(event)

    def announce_flash(self, event: EventPublic) -> None:
        self.bell()
        if self.session is not None and self.session.locked:
            text = "A flash SPOT arrived. Unlock to read it."
        else:
            text = f"{event.report_id}: {event.title or '(untitled)'}"
        self.notify(text, title="FLASH SPOT", severity="error", timeout=30, markup=False)

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        if self.session is not None:
            self.session.set_connection(message.state)

    def on_live_session_ended(self, message: LiveSessionEnded) -> None:
        self.lock("Your session ended on the server. Enter your password to continue.")
