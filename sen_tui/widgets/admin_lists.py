"""The Lists tab of the administration workspace: distribution lists, the names and
addresses IROC summaries are e-mailed to (SPEC §5). The server checks every address and
name; this tab sends what was typed (addresses one a line) and shows its answer."""

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sen_tui.failures import ForwardsFailures
from sen_tui.modals.admin_form import FormField, FormModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.session import Session
from sen_tui.widgets.keyed_table import KeyedTable
from shared.summaries import LIST_NAME_MAX, DistributionListPublic

MEMBER_LINES = 6  # the addresses box's height; more addresses scroll


def name_field(value: str = "") -> FormField:
    return FormField("name", "Name", value, hint="e.g. HSI leadership", max_length=LIST_NAME_MAX)


def members_field(addresses: list[str]) -> FormField:
    return FormField("addresses", "Addresses", "\n".join(addresses), lines=MEMBER_LINES)


def addresses_of(text: str) -> list[str]:
    """The addresses box as the API takes it: one a line, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def members_line(row: DistributionListPublic) -> Text:
    if not row.addresses:
        return Text(f"{row.name}: no addresses yet (e to add them).")
    return Text(f"{row.name}: " + ", ".join(row.addresses))


class ListsPane(ForwardsFailures, Vertical):
    BINDINGS = [
        Binding("n", "add", "New list", id="lists.add"),
        Binding("e", "edit", "Edit", id="lists.edit"),  # rename, change members, or both
        Binding("d", "retire", "Retire", id="lists.retire"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="lists-pane")
        self.session = session
        self.table: KeyedTable[DistributionListPublic] = KeyedTable(id="lists-table")

    def compose(self) -> ComposeResult:
        yield self.table
        yield Static("", id="list-members")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="lists", exit_on_error=False)
    async def load(self, keep: int | None = None) -> None:
        self.table.fill(
            ("List", "Addresses", "State"),
            await self.session.client.distribution_lists(),
            lambda row: row.id,
            lambda row: (
                Text(row.name),
                Text(str(len(row.addresses)), justify="right"),
                Text("retired" if row.retired else "in use"),
            ),
            keep,
        )
        self.show_members()

    @property
    def lists(self) -> dict[str, DistributionListPublic] | None:
        return self.table.items

    @property
    def selected(self) -> DistributionListPublic | None:
        return self.table.selected

    @on(DataTable.RowHighlighted, "#lists-table")
    def show_members(self) -> None:
        row = self.selected
        empty = "No distribution lists yet: n makes one."
        self.query_one("#list-members", Static).update(members_line(row) if row else empty)
        self.screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.selected
        if action == "edit":
            return row is not None or None
        if action == "retire":  # a retired list stays retired: nothing to offer
            return None if row is None else not row.retired
        return True

    # ---- changes ------------------------------------------------------------------------

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_add(self) -> None:
        client = self.session.client

        async def save(values: dict[str, str]) -> DistributionListPublic:
            return await client.add_distribution_list(
                values["name"], addresses_of(values["addresses"])
            )

        fields = [name_field(), members_field([])]
        added = await self.app.push_screen_wait(
            FormModal("New distribution list", fields, save, confirm="Add")
        )
        if added is not None:
            self.notify(f"{added.name}: list made.", title="Lists", markup=False)
            self.load(keep=added.id)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_edit(self) -> None:
        """Rename the list, change its members, or both: only what changed is sent."""
        row = self.selected
        if row is None:
            return
        client = self.session.client

        async def save(values: dict[str, str]) -> DistributionListPublic:
            changes: dict[str, Any] = {}
            if values["name"] != row.name:
                changes["name"] = values["name"]
            addresses = addresses_of(values["addresses"])
            if addresses != row.addresses:
                changes["addresses"] = addresses
            return await client.update_distribution_list(row.id, changes) if changes else row

        fields = [name_field(row.name), members_field(row.addresses)]
        saved = await self.app.push_screen_wait(
            FormModal(f"List {row.name} (addresses one a line)", fields, save, confirm="Save")
        )
        if saved is not None:
            self.notify(
                f"{saved.name}: {len(saved.addresses)} addresses.", title="Lists", markup=False
            )
            self.load(keep=row.id)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_retire(self) -> None:
        row = self.selected
        if row is None:
            return
        question = (
            f"Retire {row.name}? Summaries can no longer be sent to it; "
            "those already sent keep their recipients."
        )
        if not await self.app.push_screen_wait(
            ConfirmModal("Retire list", question, confirm="Retire")
        ):
            return
        await self.session.client.retire_distribution_list(row.id)
        self.notify(f"{row.name} retired.", title="Lists", markup=False)
        self.load(keep=row.id)
