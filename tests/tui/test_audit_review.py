"""Audit review in the client (SPEC §9, §12; issue 14): the ISSO narrows the log by actor
and action, opens the failed-logon report and runs a chain verification, all from the
keyboard, against a real server; an administrator is not offered the verification."""

from typing import Any

from textual.widgets import DataTable, Input

from sen_tui.modals.audit_verification import AuditVerificationModal
from sen_tui.screens.audit import AuditScreen
from sen_tui.screens.failed_logons import FailedLogonsScreen
from sen_tui.widgets.audit_table import AuditTable
from tests.support.tui import (
    Api,
    log_in_through_ui,
    make_app,
    on_screen,
    screen_lines,
    type_text,
    wait_until,
)

TYPED = "hunter2-typed-in-the-username-box"


async def test_the_isso_filters_opens_failed_logons_and_verifies(tui_server: Any, api: Api) -> None:
    await api.as_user("sup.lax")  # a logon on the record
    for username in ("sup.lax", "sup.lax", TYPED):
        response = await api.http.post(
            "/api/v1/auth/login", json={"username": username, "password": "not the password"}
        )
        assert response.status_code == 401
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "isso")
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one(AuditTable)
        await pilot.press("/")
        await wait_until(pilot, lambda: screen.query_one("#audit-actor", Input).has_focus, "focus")
        await type_text(pilot, "sup.lax")
        await pilot.press("enter")
        screen.query_one("#audit-action").value = "auth.login"
        await wait_until(
            pilot,
            lambda: (
                table.records
                and {(r.actor, r.action) for r in table.records} == {("sup.lax", "auth.login")}
            ),
            "sup.lax's logons",
        )

        await pilot.press("l")
        await wait_until(pilot, lambda: on_screen(pilot, FailedLogonsScreen), "the report")
        report_screen = app.screen
        assert isinstance(report_screen, FailedLogonsScreen)
        await wait_until(pilot, lambda: report_screen.ready, "the report loaded")
        by_user = report_screen.query_one("#failed-by-user", DataTable)
        rows = [[str(cell) for cell in by_user.get_row_at(i)] for i in range(by_user.row_count)]
        assert ["sup.lax", "2"] in [row[:2] for row in rows]
        assert any(row[0].startswith("unknown:") and row[1] == "1" for row in rows)
        assert TYPED not in "\n".join(screen_lines(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the log")

        await pilot.press("v")
        await wait_until(pilot, lambda: on_screen(pilot, AuditVerificationModal), "the result")
        assert any("INTACT" in line for line in screen_lines(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the log")

    runs = await api.call("isso", "GET", "/audit", params={"action": "audit.verify"})
    assert [r["actor"] for r in runs["items"]] == ["isso"]

    admin_app = make_app(tui_server.url)
    async with admin_app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "admin")  # Administration first, then Audit
        await pilot.press("w")
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_screen(pilot, AuditScreen), "the audit log")
        audit = admin_app.screen
        assert audit.check_action("failed_logons", ()) is True
        assert audit.check_action("verify", ()) is False
        await pilot.press("v")
        await pilot.pause()
        assert not on_screen(pilot, AuditVerificationModal)
