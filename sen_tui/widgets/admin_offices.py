"""The Offices tab of the administration workspace: the office tree and its AORs (SPEC §1).
The server decides what a change may do (no cycles, no retiring an office in use); this tab
sends what was typed and shows the answer."""

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from sen_tui.failures import ForwardsFailures
from sen_tui.modals.admin_form import FormField, FormModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.session import Session
from sen_tui.widgets.keyed_table import KeyedTable
from shared.admin import OfficePublic
from shared.enums import OfficeKind


def office_fields(office: OfficePublic | None) -> list[FormField]:
    return [
        FormField("name", "Name", office.name if office else ""),
        FormField(
            "aor", "AOR", (office.aor or "") if office else "", hint="e.g. NYC", max_length=10
        ),
        FormField(
            "parent",
            "Parent office",
            (office.parent or "") if office else "",
            hint="code; empty for a top-level office",
            max_length=40,
        ),
    ]


def office_changes(office: OfficePublic, values: dict[str, str]) -> dict[str, Any]:
    """Only what changed; an emptied AOR or parent is cleared (null)."""
    before = {f.name: f.value for f in office_fields(office)}
    return {n: (v or None) for n, v in values.items() if v != before.get(n)}


class OfficesPane(ForwardsFailures, Vertical):
    BINDINGS = [
        Binding("n", "add", "New office", id="offices.add"),
        Binding("e", "edit", "Edit", id="offices.edit"),
        Binding("d", "retire", "Retire", id="offices.retire"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="offices-pane")
        self.session = session
        self.table: KeyedTable[OfficePublic] = KeyedTable(id="offices-table")

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="offices", exit_on_error=False)
    async def load(self, keep: str | None = None) -> None:
        offices = await self.session.client.admin_offices()
        self.table.fill(
            ("Office", "Name", "Kind", "AOR", "Accounts"),
            offices,
            lambda office: office.code,
            lambda office: (
                Text("  " * office.depth + office.code),  # the tree, by indentation
                Text(office.name),
                Text(office.kind),
                Text(office.aor or "—"),
                Text(str(office.users), justify="right"),
            ),
            keep,
        )
        self.screen.refresh_bindings()

    @property
    def selected(self) -> OfficePublic | None:
        return self.table.selected

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "retire"}:
            return self.selected is not None or None
        return True

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_add(self) -> None:
        client = self.session.client

        async def save(values: dict[str, str]) -> OfficePublic:
            return await client.add_office({k: v for k, v in values.items() if v})

        fields = [
            FormField("code", "Code", hint="e.g. RAC-BOS", max_length=40),
            FormField("kind", "Kind", choices=list(OfficeKind)),
            *office_fields(None),
        ]
        added = await self.app.push_screen_wait(
            FormModal("New office", fields, save, confirm="Add")
        )
        if added is not None:
            self.load(keep=added.code)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_edit(self) -> None:
        office = self.selected
        if office is None:
            return
        client = self.session.client

        async def save(values: dict[str, str]) -> OfficePublic:
            changes = office_changes(office, values)
            return await client.update_office(office.code, changes) if changes else office

        saved = await self.app.push_screen_wait(
            FormModal(f"Office {office.code}", office_fields(office), save, confirm="Save")
        )
        if saved is not None:
            self.load(keep=office.code)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_retire(self) -> None:
        office = self.selected
        if office is None:
            return
        question = f"Retire {office.code} ({office.name})? Only an office in no use can go."
        if not await self.app.push_screen_wait(
            ConfirmModal("Retire office", question, confirm="Retire")
        ):
            return
        await self.session.client.retire_office(office.code)
        self.notify(f"{office.code} retired.", title="Offices", markup=False)
        self.load()
