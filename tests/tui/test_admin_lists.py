"""The administration workspace's Lists and Agencies tabs, driven from the keyboard against
a real server (issue 14 item 4, for issues 11 and 12's admin-managed data): an
administrator makes a distribution list, changes its members (one address a line), renames
and retires it; then adds an outside agency with its certificate read from a PEM file made
here. A refused form (a bad address, an expired certificate, a file that cannot be read)
stays open and says which field is wrong."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sen_server.demo.certificates import make_recipient
from sen_tui.commands import screen_commands
from sen_tui.modals.admin_form import FormModal
from sen_tui.modals.prompt import ConfirmModal
from sen_tui.screens.admin import AdminScreen
from sen_tui.widgets.admin_agencies import AgenciesPane
from sen_tui.widgets.admin_lists import ListsPane
from tests.support.tui import (
    Api,
    log_in_through_ui,
    make_app,
    on_screen,
    text_of,
    type_text,
    wait_until,
)


def titles(pilot: Pilot[Any]) -> set[str]:
    return {c.title for c in screen_commands(pilot.app.screen)}


async def fill(pilot: Pilot[Any], field: str, text: str) -> None:
    """Type into a form field from the keyboard, replacing what it held."""
    editor = pilot.app.screen.query_one(f"#form-{field}")
    editor.focus()
    await wait_until(pilot, lambda: editor.has_focus, f"the {field} field")
    if isinstance(editor, Input):
        editor.value = ""
        await type_text(pilot, text)
    else:
        assert isinstance(editor, TextArea)
        editor.clear()
        for line in text.splitlines():
            await type_text(pilot, line)
            await pilot.press("enter")


async def save_refused(pilot: Pilot[Any], says: str) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: says in text_of(pilot.app, "#form-error"), says)
    assert on_screen(pilot, FormModal)


async def saved(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: on_screen(pilot, AdminScreen), "the dialog closed")


async def test_admin_manages_a_distribution_list_and_adds_an_agency_from_a_pem_file(
    tui_server: Any, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The administrator types a path relative to where the client runs: short to type.
    monkeypatch.chdir(tmp_path)
    now = datetime.now(UTC)
    good = tmp_path / "border-task-force.pem"
    good.write_text(make_recipient("Border Task Force", now).certificate_pem)
    expired = tmp_path / "expired.pem"
    expired.write_text(make_recipient("Old Task Force", now, expired=True).certificate_pem)

    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "admin")
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        assert {"admin: Lists", "admin: Agencies"} <= titles(pilot)

        # ---- a distribution list ----
        await pilot.press("l")
        lists = screen.query_one(ListsPane)
        table = screen.query_one("#lists-table")
        await wait_until(pilot, lambda: table.has_focus and lists.lists is not None, "lists")
        assert "HSI leadership" in {row.name for row in (lists.lists or {}).values()}
        assert {"lists: New list", "lists: Edit", "lists: Retire"} <= titles(pilot)

        await pilot.press("n")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the new-list form")
        await fill(pilot, "name", "Border liaison")
        await fill(pilot, "addresses", "duty.officer@example.gov\nnot-an-address")
        await save_refused(pilot, "must be an email address")
        await fill(pilot, "addresses", "duty.officer@example.gov")
        await saved(pilot)
        await wait_until(
            pilot,
            lambda: lists.selected is not None and lists.selected.name == "Border liaison",
            "the new list, selected",
        )
        assert "duty.officer@example.gov" in text_of(app, "#list-members")

        await pilot.press("e")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the edit form")
        await fill(pilot, "addresses", "duty.officer@example.gov\nDesk.Chief@example.gov\n\n")
        await saved(pilot)
        await wait_until(
            pilot,
            lambda: lists.selected is not None and len(lists.selected.addresses) == 2,
            "two members",
        )

        await pilot.press("e")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the edit form again")
        await fill(pilot, "name", "HSI leadership")
        await save_refused(pilot, "is taken by another list")
        await fill(pilot, "name", "Border liaison desk")
        await saved(pilot)
        await wait_until(
            pilot,
            lambda: lists.selected is not None and lists.selected.name == "Border liaison desk",
            "the new name",
        )
        await pilot.press("d")
        await wait_until(pilot, lambda: on_screen(pilot, ConfirmModal), "the confirmation")
        await pilot.press("y")
        await wait_until(
            pilot, lambda: lists.selected is not None and lists.selected.retired, "retired"
        )
        assert "lists: Retire" not in titles(pilot)

        # ---- an outside agency ----
        await pilot.press("i")
        agencies = screen.query_one(AgenciesPane)
        await wait_until(pilot, lambda: agencies.agencies is not None, "the agencies")
        await pilot.press("n")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the new-agency form")
        await fill(pilot, "name", "Border Task Force")
        await fill(pilot, "address", "1 Port Road, Buffalo, NY 14202")
        await fill(pilot, "email", "btf.intake@example.gov")
        await fill(pilot, "certificate_file", expired.name)
        await save_refused(pilot, "Certificate")
        assert "expired" in text_of(app, "#form-error")
        await fill(pilot, "certificate_file", "missing.pem")
        await save_refused(pilot, "Certificate file cannot be read")
        await fill(pilot, "certificate_file", good.name)
        await saved(pilot)
        await wait_until(
            pilot,
            lambda: agencies.selected is not None and agencies.selected.name == "Border Task Force",
            "the new agency, selected",
        )
        details = text_of(app, "#agency-details")
        assert "CN=Border Task Force" in details and "1 Port Road" in details

        # A new e-mail address; the certificate file left empty keeps the certificate.
        await pilot.press("e")
        await wait_until(pilot, lambda: on_screen(pilot, FormModal), "the edit form")
        await fill(pilot, "email", "btf.desk@example.gov")
        await saved(pilot)
        await wait_until(
            pilot,
            lambda: (
                agencies.selected is not None and agencies.selected.email == "btf.desk@example.gov"
            ),
            "the new e-mail address",
        )
        assert "CN=Border Task Force" in text_of(app, "#agency-details")

    # The server holds what the administrator saw.
    stored = await api.call("admin", "GET", "/admin/distribution-lists")
    (made,) = [row for row in stored if row["name"] == "Border liaison desk"]
    assert made["addresses"] == ["duty.officer@example.gov", "desk.chief@example.gov"]
    assert made["retired"]
    agencies_now = await api.call("admin", "GET", "/admin/agencies")
    (added,) = [row for row in agencies_now if row["name"] == "Border Task Force"]
    assert added["email"] == "btf.desk@example.gov"
    assert "Old Task Force" not in {row["name"] for row in agencies_now}
