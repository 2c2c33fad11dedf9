"""What every SEN dialog shares: its own footer, and worker failures sent to the App.

Dialogs import no screen: they get what they show as attributes and answer by dismissing.
"""

from typing import TypeVar

from textual.screen import ModalScreen

from sen_tui.failures import ForwardsFailures
from sen_tui.widgets.footer import SenFooter

T = TypeVar("T")


class SenModal(ForwardsFailures, ModalScreen[T]):
    def on_mount(self) -> None:
        # Every dialog shows its own keys, not those of the screen below it. (Textual calls
        # this as well as a dialog's own on_mount.)
        self.mount(SenFooter())
