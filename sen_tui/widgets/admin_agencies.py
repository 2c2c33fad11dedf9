"""The Agencies tab of the administration workspace: the outside agencies intelligence
products may be disseminated to, with the certificate exports are encrypted to (SPEC §6).

An agency is added with its certificate read from a PEM file whose path the administrator
types: the client reads the file and sends its text; the server decides whether the
certificate can receive an encrypted export (not expired, an encryption key) and says why
not, and the dialog stays open with its answer."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sen_tui.failures import ForwardsFailures
from sen_tui.modals.admin_form import FormField, FormModal, FormRefused
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.session import Session
from sen_tui.widgets.keyed_table import KeyedTable
from shared.intel import AgencyPublic

# Far above any certificate, far below what would hurt to read: a wrong path (a log, an
# archive) is refused here instead of being sent.
PEM_FILE_MAX_BYTES = 64 * 1024


def read_pem(path_text: str) -> str:
    """The text of the PEM file the administrator named, or why it cannot be read."""
    if not path_text:
        raise FormRefused("Certificate file: type the path of the agency's PEM file.")
    path = Path(path_text).expanduser()
    try:
        if path.stat().st_size > PEM_FILE_MAX_BYTES:
            raise FormRefused("Certificate file is too large to be a certificate.")
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not PEM text"
        raise FormRefused(f"Certificate file cannot be read: {reason}.") from exc


def agency_fields(agency: AgencyPublic | None = None) -> list[FormField]:
    """The form of a new agency, or of an existing one (an empty file keeps its certificate)."""
    file_hint = "path of a PEM file" + ("; empty keeps the current one" if agency else "")
    return [
        FormField(
            "name", "Name", agency.name if agency else "", hint="e.g. Metro Joint Task Force"
        ),
        FormField(
            "address",
            "Postal address",
            agency.address if agency else "",
            hint="for the accounting",
            max_length=500,
        ),
        FormField(
            "email",
            "E-mail",
            agency.email if agency else "",
            hint="where e-mailed exports go",
            max_length=254,
        ),
        FormField("certificate_file", "Certificate", hint=file_hint, max_length=1000),
    ]


def expiry(at: datetime) -> str:
    """The certificate's last day (UTC): the day an administrator must have a new one by."""
    return at.astimezone(UTC).strftime("%Y-%m-%d")


def agency_details(agency: AgencyPublic) -> Text:
    return Text.assemble(
        (agency.name, "bold"),
        f"\n{agency.address}\n",
        f"E-mail: {agency.email or '—'}\n",
        f"Certificate: {agency.certificate_subject}\n",
        f"Expires: {expiry(agency.certificate_not_after)}",
    )


class AgenciesPane(ForwardsFailures, Vertical):
    BINDINGS = [
        Binding("n", "add", "New agency", id="agencies.add"),
        Binding("e", "edit", "Edit", id="agencies.edit"),
        Binding("d", "remove", "Remove", id="agencies.remove"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="agencies-pane")
        self.session = session
        self.table: KeyedTable[AgencyPublic] = KeyedTable(id="agencies-table")

    def compose(self) -> ComposeResult:
        yield self.table
        yield Static("", id="agency-details")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="agencies", exit_on_error=False)
    async def load(self, keep: int | None = None) -> None:
        self.table.fill(
            ("Agency", "E-mail", "Certificate expires"),
            await self.session.client.agencies(),
            lambda row: row.id,
            lambda row: (
                Text(row.name),
                Text(row.email or "—"),
                Text(expiry(row.certificate_not_after)),
            ),
            keep,
        )
        self.show_details()

    @property
    def agencies(self) -> dict[str, AgencyPublic] | None:
        return self.table.items

    @property
    def selected(self) -> AgencyPublic | None:
        return self.table.selected

    @on(DataTable.RowHighlighted, "#agencies-table")
    def show_details(self) -> None:
        row = self.selected
        empty = "No outside agencies yet: n adds one."
        self.query_one("#agency-details", Static).update(agency_details(row) if row else empty)
        self.screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "remove"}:
            return self.selected is not None or None
        return True

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_add(self) -> None:
        client = self.session.client

        async def save(values: dict[str, str]) -> AgencyPublic:
            pem = await asyncio.to_thread(read_pem, values.pop("certificate_file"))
            return await client.add_agency({**values, "certificate_pem": pem})

        added = await self.app.push_screen_wait(
            FormModal("New outside agency", agency_fields(), save, confirm="Add")
        )
        if added is not None:
            self.notify(f"{added.name}: agency added.", title="Agencies", markup=False)
            self.load(keep=added.id)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_edit(self) -> None:
        agency = self.selected
        if agency is None:
            return
        client = self.session.client
        before = {f.name: f.value for f in agency_fields(agency)}

        async def save(values: dict[str, str]) -> AgencyPublic:
            changes = {n: v for n, v in values.items() if v != before[n]}
            if path := changes.pop("certificate_file", ""):
                changes["certificate_pem"] = await asyncio.to_thread(read_pem, path)
            return await client.update_agency(agency.id, changes) if changes else agency

        saved = await self.app.push_screen_wait(
            FormModal(f"Agency {agency.name}", agency_fields(agency), save, confirm="Save")
        )
        if saved is not None:
            self.notify(f"{saved.name}: saved.", title="Agencies", markup=False)
            self.load(keep=agency.id)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_remove(self) -> None:
        agency = self.selected
        if agency is None:
            return
        question = (
            f"Remove {agency.name}? Products can no longer be disseminated to it; "
            "the accounting keeps every disclosure already made to it."
        )
        if not await self.app.push_screen_wait(
            ConfirmModal("Remove agency", question, confirm="Remove")
        ):
            return
        await self.session.client.remove_agency(agency.id)
        self.notify(f"{agency.name} removed.", title="Agencies", markup=False)
        self.load()
