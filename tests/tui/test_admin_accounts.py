"""The administration workspace's Users, Offices and Routing tabs, driven from the keyboard
against a real server (issue 14 item 4): an administrator adds an account, sees its
temporary password once, and the new user logs in with it and must change it; a routing
rule is changed; a refused form stays open and says which field is wrong."""

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select

from sen_tui.commands import screen_commands
from sen_tui.modals.admin_form import FormModal
from sen_tui.modals.pick_type import PickTypeModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.modals.temporary_password import TemporaryPasswordModal
from sen_tui.screens.admin import AdminScreen
from sen_tui.screens.password import PasswordScreen
from sen_tui.screens.rules import RulesScreen
from sen_tui.screens.workspace import WorkspaceScreen
from sen_tui.widgets.admin_users import UsersPane
from tests.support.tui import (
    Api,
    enter_credentials,
    in_workspace,
    log_in_through_ui,
    make_app,
    on_screen,
    text_of,
    type_text,
    wait_until,
)

NEW_PASSWORD = "Quiet-harbour-lanterns-42"


def titles(pilot: Pilot[Any]) -> set[str]:
    """The screen's keys as the command palette names them."""
    return {c.title for c in screen_commands(pilot.app.screen)}


async def fill(pilot: Any, field: str, text: str) -> None:
    editor = pilot.app.screen.query_one(f"#form-{field}", Input)
    editor.focus()
    await wait_until(pilot, lambda: editor.has_focus, f"the {field} field")
    editor.value = ""
    await type_text(pilot, text)


async def test_admin_adds_a_user_who_logs_in_with_the_temporary_password_and_must_change_it(
    tui_server: Any, api: Api
) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "admin")
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        users = screen.query_one("#users-table", DataTable)
        assert users.has_focus and "agent.nyc" in screen.query_one(UsersPane).users  # type: ignore[operator]

        await pilot.press("a")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the add-account form")
        await fill(pilot, "username", "agent.bos")
        await fill(pilot, "display_name", "Boston Agent")
        app.screen.query_one("#form-program", Select).value = "HSI"
        await fill(pilot, "roles", "agent")
        await fill(pilot, "office", "RAC-NOWHERE")
        await pilot.press("ctrl+s")
        # Refused: the dialog stays open and names the field.
        await wait_until(pilot, lambda: "Office" in text_of(app, "#form-error"), "the refusal")
        assert on_screen(pilot, FormModal)
        await fill(pilot, "office", "RAC-LI")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, TemporaryPasswordModal), "the password")
        await wait_until(pilot, lambda: text_of(app, "#temporary-password").strip(), "shown")
        temporary = text_of(app, "#temporary-password").strip()
        assert len(temporary) >= 12
        await pilot.press("enter")  # "I have noted it"
        await wait_until(pilot, lambda: on_screen(pilot, AdminScreen), "the users again")
        pane = screen.query_one(UsersPane)
        await wait_until(pilot, lambda: "agent.bos" in (pane.users or {}), "the new account")
        assert users.coordinate_to_cell_key(users.cursor_coordinate).row_key.value == "agent.bos"
        assert pane.selected is not None and pane.selected.must_change_password

        # Disable, with a confirmation: the list says so.
        await pilot.press("d")
        await wait_until(pilot, lambda: on_screen(pilot, ConfirmModal), "the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: pane.users and pane.users["agent.bos"].disabled, "disabled")
        await pilot.press("d")  # now "Enable": no question asked
        await wait_until(
            pilot, lambda: pane.users and not pane.users["agent.bos"].disabled, "enabled"
        )

    account = await api.call("admin", "GET", "/admin/users", params={"q": "agent.bos"})
    (created,) = account["items"]
    assert (created["office"]["code"], created["roles"]) == ("RAC-LI", ["agent"])

    newcomer = make_app(tui_server.url)
    async with newcomer.run_test(size=(80, 24)) as pilot:
        await enter_credentials(pilot, "agent.bos", temporary)
        await wait_until(pilot, lambda: on_screen(pilot, PasswordScreen), "the forced change")
        await wait_until(
            pilot, lambda: newcomer.screen.query_one("#current-password").has_focus, "its form"
        )
        for field, text in (
            ("current-password", temporary),
            ("new-password", NEW_PASSWORD),
            ("confirm-password", NEW_PASSWORD),
        ):
            editor = newcomer.screen.query_one(f"#{field}")
            editor.focus()
            await wait_until(pilot, lambda e=editor: e.has_focus, field)
            await type_text(pilot, text)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: on_screen(pilot, RulesScreen) or on_screen(pilot, WorkspaceScreen),
            "past the password change",
        )
        if on_screen(pilot, RulesScreen):
            await wait_until(pilot, lambda: newcomer.screen.rules is not None, "the rules")
            await pilot.press("a")
        await wait_until(pilot, lambda: in_workspace(pilot), "the agent's workspace")


async def test_admin_changes_a_types_routing_in_the_routing_tab(tui_server: Any, api: Api) -> None:
    before = (await api.call("admin", "GET", "/admin/routing-rules"))["ERO_TAV"]
    app = make_app(tui_server.url)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await log_in_through_ui(pilot, "admin")
            screen = app.screen
            await pilot.press("g")  # the Routing rules tab
            await wait_until(pilot, lambda: "rules: Change routing" in titles(pilot), "its key")
            await pilot.press("c")
            await wait_until(pilot, lambda: on_screen(pilot, PickTypeModal), "the type picker")
            options = app.screen.query_one(OptionList)
            while options.get_option_at_index(options.highlighted or 0).id != "ERO_TAV":
                await pilot.press("down")
            await pilot.press("enter")
            await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the targets form")
            current = app.screen.query_one("#form-targets", Input).value
            assert current == ", ".join(before)
            await fill(pilot, "targets", f"{current}, office_kind:CASTLE")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "must be" in text_of(app, "#form-error"), "refused")
            await fill(pilot, "targets", f"{current}, office_kind:OPR")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: on_screen(pilot, AdminScreen), "the rules again")
            assert isinstance(screen, AdminScreen) and screen.routing is not None
            assert screen.routing["ERO_TAV"] == [*before, "office_kind:OPR"]
            assert "every OPR office" in text_of(app, "#routing-rules-text")
        stored = (await api.call("admin", "GET", "/admin/routing-rules"))["ERO_TAV"]
        assert stored == [*before, "office_kind:OPR"]
    finally:
        await api.call("admin", "PUT", "/admin/routing-rules/ERO_TAV", json=before)
