"""The dissemination dialog (SPEC §6): which agency, for what purpose, by which channel.
The server encrypts the product to the agency's certificate; there is no plaintext choice."""

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from sen_tui.modals.base import SenModal
from sen_tui.widgets.text_inputs import TextInput
from shared.intel import AgencyPublic, ExportChannel

CHANNELS = [
    ("E-mail (encrypted S/MIME, through the outbox)", ExportChannel.EMAIL.value),
    ("File for hand delivery (encrypted .eml)", ExportChannel.FILE.value),
]


@dataclass(frozen=True)
class Dissemination:
    agency_id: int
    purpose: str
    channel: ExportChannel


class DisseminateModal(SenModal[Dissemination | None]):
    DEFAULT_CSS = """
    DisseminateModal { align: center middle; }
    DisseminateModal > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DisseminateModal .dialog-title { text-style: bold; }
    DisseminateModal .dialog-error { color: $error; height: auto; }
    DisseminateModal Horizontal { height: auto; margin-top: 1; }
    DisseminateModal Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    AUTO_FOCUS = "#disseminate-agency"

    def __init__(self, title: str, agencies: list[AgencyPublic]) -> None:
        super().__init__()
        self.title_text, self.agencies = title, agencies

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static("Encrypted to the agency's certificate, marked, and accounted for.")
            yield Select(
                [(a.name, a.id) for a in self.agencies],
                prompt="Agency",
                id="disseminate-agency",
                compact=True,
            )
            yield TextInput(id="disseminate-purpose", max_length=2000, placeholder="Purpose")
            yield Select(
                CHANNELS,
                value=ExportChannel.FILE.value,
                allow_blank=False,
                id="disseminate-channel",
                compact=True,
            )
            yield Label("", classes="dialog-error")
            with Horizontal():
                yield Button("Disseminate", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def confirm_pressed(self) -> None:
        agency = self.query_one("#disseminate-agency", Select).value
        purpose = self.query_one("#disseminate-purpose", Input).value.strip()
        channel = self.query_one("#disseminate-channel", Select).value
        if not isinstance(agency, int):
            self.query_one(".dialog-error", Label).update("Choose an agency.")
            return
        if not purpose:
            self.query_one(".dialog-error", Label).update("Say what the disclosure is for.")
            return
        self.dismiss(Dissemination(agency, purpose, ExportChannel(str(channel))))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
