"""The recipients picker: find users and offices by name or code and tick them.

Offices come once from /offices and are filtered here; users are looked up on the server
as the user types (the directory can be large). What is ticked stays listed first, so it
can be unticked whatever the search says.
"""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from sen_tui.modals.base import SenModal
from sen_tui.session import Session
from sen_tui.widgets.recipients_field import describe
from sen_tui.widgets.text_inputs import TextInput
from shared.schemas import OfficeRef, Recipients, UserRef

SEARCH_DEBOUNCE = 0.25  # one directory lookup per pause in typing, not per key
OFFICE, USER = "office:", "user:"


class RecipientsModal(SenModal[Recipients | None]):
    DEFAULT_CSS = """
    RecipientsModal { align: center middle; }
    RecipientsModal > Vertical {
        width: 90; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RecipientsModal .dialog-title { text-style: bold; }
    RecipientsModal #recipient-options { height: 1fr; }
    RecipientsModal #recipient-chosen { height: auto; max-height: 3; color: $text-muted; }
    RecipientsModal Horizontal { height: auto; }
    RecipientsModal Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "done", "Done", id="recipients.done"),
        Binding("down", "focus_list", "To the list", id="recipients.list", show=False),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]
    AUTO_FOCUS = "#recipient-query"

    def __init__(self, session: Session, chosen: Recipients) -> None:
        super().__init__()
        self.session = session
        self.users = list(chosen.users)
        self.offices = list(chosen.offices)
        self.office_refs: list[OfficeRef] = []
        self.found_users: list[UserRef] = []
        self.known_users: dict[str, UserRef] = {}
        self.lookup_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Also send to", classes="dialog-title")
            yield TextInput(placeholder="Name, username or office code", id="recipient-query")
            yield OptionList(id="recipient-options")
            yield Static("", id="recipient-chosen")
            with Horizontal():
                yield Button("Done (ctrl+s)", id="done", variant="primary")
                yield Button("Cancel", id="cancel")
            yield Static(
                "Enter ticks the first match, or in the list (down) the highlighted line.",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.show_chosen()
        self.load_offices()
        self.lookup_soon()

    # ---- looking up -----------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#recipient-query", Input).value.strip()

    # Its own group: a user lookup started by typing must not cancel loading the offices.
    @work(group="offices", exit_on_error=False)
    async def load_offices(self) -> None:
        self.office_refs = await self.session.client.offices()
        self.show_options()

    @on(Input.Changed, "#recipient-query")
    def typed(self) -> None:
        # Each key restarts the wait: one lookup (and one audited directory search) per
        # pause in typing, not one per key.
        if self.lookup_timer is not None:
            self.lookup_timer.stop()
        self.lookup_timer = self.set_timer(SEARCH_DEBOUNCE, self.lookup_soon)

    def lookup_soon(self) -> None:
        self.run_worker(self.look_up(), exclusive=True, group="lookup", exit_on_error=False)

    async def look_up(self) -> None:
        self.found_users = await self.session.client.users(self.query_text)
        self.known_users.update({u.username: u for u in self.found_users})
        self.show_options()

    @on(Input.Submitted, "#recipient-query")
    async def tick_first_match(self) -> None:
        """Type, then enter: ticks what the search found first (looked up now, not after
        the pause, so a fast typist ticks what they typed)."""
        if self.lookup_timer is not None:
            self.lookup_timer.stop()  # this lookup replaces the pending one
        await self.look_up()
        options = self.query_one("#recipient-options", OptionList)
        ids = (options.get_option_at_index(i).id or "" for i in range(options.option_count))
        first = next((option_id for option_id in ids if not self.ticked(option_id)), None)
        if first:
            self.toggle(first)

    def action_focus_list(self) -> None:
        self.query_one("#recipient-options").focus()

    # ---- showing and ticking --------------------------------------------------------

    def show_options(self) -> None:
        needle = self.query_text.lower()
        matching = [
            o for o in self.office_refs if needle in o.code.lower() or needle in o.name.lower()
        ]
        options = self.query_one("#recipient-options", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._office_options(matching) + self._user_options())
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def _office_options(self, matching: list[OfficeRef]) -> list[Option]:
        names = {o.code: o.name for o in self.office_refs}
        rest = [o.code for o in matching if o.code not in self.offices]
        return [
            self._line(
                OFFICE + code, code in self.offices, f"{code:<12} office · {names.get(code, '')}"
            )
            for code in self.offices + rest
        ]

    def _user_options(self) -> list[Option]:
        chosen = [
            self.known_users.get(name) or UserRef(username=name, display_name="", office=None)
            for name in self.users
        ]
        rest = [u for u in self.found_users if u.username not in self.users]
        return [
            self._line(
                USER + u.username,
                u.username in self.users,
                f"{u.username:<12} {u.display_name}" + (f" · {u.office}" if u.office else ""),
            )
            for u in chosen + rest
        ]

    @staticmethod
    def _line(option_id: str, ticked: bool, label: str) -> Option:
        text = Text("[x] " if ticked else "[ ] ", style="bold green" if ticked else "")
        text.append(label)
        return Option(text, id=option_id)

    @on(OptionList.OptionSelected, "#recipient-options")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.toggle(event.option.id or "")

    def _chosen_and_name(self, option_id: str) -> tuple[list[str], str]:
        chosen = self.offices if option_id.startswith(OFFICE) else self.users
        return chosen, option_id.removeprefix(OFFICE).removeprefix(USER)

    def ticked(self, option_id: str) -> bool:
        chosen, name = self._chosen_and_name(option_id)
        return name in chosen

    def toggle(self, option_id: str) -> None:
        chosen, name = self._chosen_and_name(option_id)
        if name in chosen:
            chosen.remove(name)
        else:
            chosen.append(name)
        self.show_chosen()
        self.show_options()

    def show_chosen(self) -> None:
        text = describe(self.current)
        self.query_one("#recipient-chosen", Static).update(Text(f"Chosen: {text}"))

    @property
    def current(self) -> Recipients:
        return Recipients(users=self.users, offices=self.offices)

    # ---- leaving --------------------------------------------------------------------

    @on(Button.Pressed, "#done")
    def action_done(self) -> None:
        self.dismiss(self.current)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
