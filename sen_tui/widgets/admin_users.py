"""The Users tab of the administration workspace: accounts as the server lists them, and the
changes an administrator makes to them (SPEC §10). Every rule (roles, offices, supervisors,
password quality) is the server's: the forms send what was typed and show its refusal."""

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from sen_tui.failures import ForwardsFailures
from sen_tui.modals.admin_form import FormField, FormModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.modals.temporary_password import TemporaryPasswordModal
from sen_tui.session import Session
from sen_tui.widgets.keyed_table import KeyedTable
from sen_tui.widgets.text_inputs import TextInput
from shared.admin import AdminUserPublic, UserCreated
from shared.enums import Program

ROLES_HINT = "comma-separated, e.g. agent, supervisor"
# Form fields that clear when left empty (the rest are kept when empty).
CLEARABLE = {"office", "supervisor"}


def account_state(user: AdminUserPublic) -> str:
    states = [
        word
        for flag, word in (
            (user.disabled, "disabled"),
            (user.locked, "locked"),
            (user.must_change_password, "new password"),
        )
        if flag
    ]
    return ", ".join(states) or "active"


def profile_fields(user: AdminUserPublic | None) -> list[FormField]:
    if user is None:
        now: dict[str, str] = {}
    else:
        now = {
            "display_name": user.display_name,
            "title": user.title,
            "email": user.email,
            "phone": user.phone,
            "program": user.program,
            "roles": ", ".join(user.roles),
            "office": user.office.code if user.office else "",
            "supervisor": user.supervisor_username or "",
        }
    return [
        FormField("display_name", "Name", now.get("display_name", "")),
        FormField("title", "Title", now.get("title", "")),
        FormField("email", "Email", now.get("email", ""), max_length=254),
        FormField("phone", "Phone", now.get("phone", ""), max_length=40),
        FormField("program", "Program", now.get("program", ""), choices=list(Program)),
        FormField("roles", "Roles", now.get("roles", ""), hint=ROLES_HINT, max_length=300),
        FormField(
            "office",
            "Office",
            now.get("office", ""),
            hint="office code, e.g. RAC-LI",
            max_length=40,
        ),
        FormField("supervisor", "Supervisor", now.get("supervisor", ""), hint="username"),
    ]


def as_payload(values: dict[str, str]) -> dict[str, Any]:
    """The form's text as the API takes it: roles as a list, empty fields as absent."""
    payload: dict[str, Any] = {}
    for name, value in values.items():
        if name == "roles":
            payload[name] = [r.strip() for r in value.replace(" ", ",").split(",") if r.strip()]
        elif value:
            payload[name] = value
    return payload


def changes_of(user: AdminUserPublic, values: dict[str, str]) -> dict[str, Any]:
    """Only what the administrator changed; an emptied office or supervisor is cleared."""
    before = {f.name: f.value for f in profile_fields(user)}
    changed = {name: value for name, value in values.items() if value != before.get(name)}
    payload = as_payload(changed)
    for name in CLEARABLE & changed.keys():
        payload.setdefault(name, None)
    return payload


class UsersPane(ForwardsFailures, Vertical):
    BINDINGS = [
        Binding("a", "add", "Add", id="users.add"),
        Binding("e", "edit", "Edit", id="users.edit"),
        # One key, two actions: the footer shows the one that applies to the account.
        Binding("d", "disable", "Disable", id="users.disable"),
        Binding("d", "enable", "Enable", id="users.enable"),
        Binding("u", "unlock", "Unlock", id="users.unlock"),
        Binding("t", "reset_password", "Password", id="users.reset_password"),
        Binding("slash", "search", "Search", id="users.search", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(id="users-pane")
        self.session = session
        self.table: KeyedTable[AdminUserPublic] = KeyedTable(id="users-table")
        self.more = False

    def compose(self) -> ComposeResult:
        yield TextInput(
            id="users-search",
            placeholder="/ Search by username or name, then Enter",
            max_length=100,
            compact=True,
        )
        yield self.table
        yield Static("", id="users-more")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="users", exit_on_error=False)
    async def load(self, keep: str | None = None) -> None:
        query = self.query_one("#users-search", Input).value.strip()
        page = await self.session.client.admin_users(query)
        self.more = page.next_offset is not None
        self.table.fill(
            # The name last: at 80 columns the columns an administrator acts on stay in view.
            ("Username", "Office", "Roles", "State", "Name"),
            page.items,
            lambda user: user.username,
            lambda user: (
                Text(user.username),
                Text(user.office.code if user.office else "—"),
                Text(", ".join(user.roles)),
                Text(account_state(user)),
                Text(user.display_name),
            ),
            keep,
        )
        more = "More accounts match: narrow the search." if self.more else ""
        self.query_one("#users-more", Static).update(more)
        self.screen.refresh_bindings()

    @property
    def users(self) -> dict[str, AdminUserPublic] | None:
        return self.table.items

    @property
    def selected(self) -> AdminUserPublic | None:
        return self.table.selected

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        user = self.selected
        if action == "enable":
            return user is not None and user.disabled
        if action == "disable":
            return None if user is None else not user.disabled
        if action == "unlock":  # shown only for an account that is locked out now
            return user is not None and user.locked
        if action in {"edit", "reset_password"}:
            return user is not None or None
        return True

    @on(DataTable.RowHighlighted, "#users-table")
    def row_moved(self) -> None:
        self.screen.refresh_bindings()

    @on(Input.Submitted, "#users-search")
    def searched(self) -> None:
        self.load()
        self.query_one("#users-table").focus()

    def action_search(self) -> None:
        self.query_one("#users-search").focus()

    # ---- changes ------------------------------------------------------------------------

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_add(self) -> None:
        client = self.session.client

        async def save(values: dict[str, str]) -> UserCreated:
            return await client.add_user(as_payload(values))

        fields = [
            FormField("username", "Username", hint="e.g. agent.bos", max_length=150),
            *profile_fields(None),
        ]
        created = await self.app.push_screen_wait(
            FormModal("Add an account", fields, save, confirm="Add")
        )
        if created is None:
            return
        self.load(keep=created.user.username)
        await self.app.push_screen_wait(
            TemporaryPasswordModal(
                created.user.username, created.temporary_password, reason="The account is made."
            )
        )

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_edit(self) -> None:
        user = self.selected
        if user is None:
            return
        client = self.session.client

        async def save(values: dict[str, str]) -> AdminUserPublic:
            changes = changes_of(user, values)
            return await client.update_user(user.username, changes) if changes else user

        saved = await self.app.push_screen_wait(
            FormModal(f"Account {user.username}", profile_fields(user), save, confirm="Save")
        )
        if saved is not None:
            self.load(keep=user.username)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_disable(self) -> None:
        user = self.selected
        if user is None or user.disabled:
            return
        question = f"Disable {user.username}? Their open sessions end at once."
        if await self.app.push_screen_wait(
            ConfirmModal("Disable account", question, confirm="Disable")
        ):
            await self.change_state(user.username, "disable", "disabled; their sessions ended")

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_enable(self) -> None:
        user = self.selected
        if user is not None and user.disabled:
            await self.change_state(user.username, "enable", "enabled")

    async def change_state(self, username: str, action: str, done: str) -> None:
        await self.session.client.user_action(username, action)
        self.notify(f"{username}: {done}.", title="Accounts", markup=False)
        self.load(keep=username)

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_unlock(self) -> None:
        user = self.selected
        if user is not None:
            await self.change_state(user.username, "unlock", "unlocked")

    @work(exclusive=True, group="change", exit_on_error=False)
    async def action_reset_password(self) -> None:
        user = self.selected
        if user is None:
            return
        question = (
            f"Give {user.username} a new temporary password? Their current password and "
            "open sessions stop working at once."
        )
        if not await self.app.push_screen_wait(
            ConfirmModal("New temporary password", question, confirm="Reset")
        ):
            return
        issued = await self.session.client.reset_password(user.username)
        self.load(keep=user.username)
        await self.app.push_screen_wait(
            TemporaryPasswordModal(
                issued.username, issued.temporary_password, reason="The password is reset."
            )
        )
