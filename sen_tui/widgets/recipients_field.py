"""The form's "also send to" line: the users and offices the author adds by hand on top of
the routing rules, chosen in the recipients picker (ctrl+g)."""

from collections.abc import Iterator

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from sen_tui.widgets.form_fields import FormBlock
from shared.fields import FieldKind, FieldSpec
from shared.schemas import Recipients

RECIPIENTS_SPEC = FieldSpec(
    name="recipients",
    label="Also send to",
    kind=FieldKind.TEXT,
    help="Users and offices on top of the routing rules. ctrl+g chooses them.",
)


def describe(recipients: Recipients) -> str:
    offices = [f"office {code}" for code in recipients.offices]
    return ", ".join(offices + recipients.users) or "nobody else"


class RecipientsBlock(FormBlock):
    def __init__(self, recipients: Recipients) -> None:
        super().__init__(RECIPIENTS_SPEC)
        self.recipients = recipients

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            yield Label(Text(self.spec.label), classes="field-label")
            yield Static(Text(describe(self.recipients)), id="recipients-chosen")
        yield Static(Text(self.spec.help or ""), classes="field-help")
        yield Button("Choose recipients (ctrl+g)", id="choose-recipients", compact=True)
        yield Static("", classes="field-error")

    def choose(self, recipients: Recipients) -> None:
        self.recipients = recipients
        self.query_one("#recipients-chosen", Static).update(Text(describe(recipients)))
        self.set_error(None)  # any complaint was about the previous choice

    def value(self) -> Recipients:
        return self.recipients

    def walk(self, path: str) -> Iterator[tuple[str, FormBlock]]:
        # The server names the lists (recipients.users, recipients.offices.0): all land here.
        for name in ("", ".users", ".offices"):
            yield path + name, self
