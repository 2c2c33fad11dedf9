"""Sign-in as a user meets it: notice, login, Rules of Behavior, then the queue."""

from typing import Any

from textual.command import CommandPalette
from textual.widgets import OptionList

from sen_tui.commands import screen_commands
from sen_tui.screens.lock import LockScreen
from sen_tui.screens.login import LoginScreen
from sen_tui.screens.queues import QueuesScreen
from sen_tui.screens.rules import RulesScreen
from sen_tui.widgets.queue_table import QueueTable
from tests.support.demo import DEMO_PASSWORD
from tests.support.tui import (
    Api,
    enter_credentials,
    log_in_through_ui,
    make_app,
    on_screen,
    shows_in_full,
    type_text,
    wait_until,
)


async def test_login_acknowledge_rules_then_queue(tui_server: Any, api: Api) -> None:
    # Written by someone else: agent.nyc's own first login must still owe the rules.
    report = await api.spot("officer.nyc", "Threat to the field office")
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: on_screen(pilot, LoginScreen), "login screen")
        notice = app.screen.query_one("#notice")
        await wait_until(pilot, lambda: "U.S. Government" in str(notice.render()), "the notice")
        await enter_credentials(pilot, "agent.nyc")
        await wait_until(pilot, lambda: on_screen(pilot, RulesScreen), "the rules")
        # The screen may be pushed before its widgets are mounted (a loaded machine), and the
        # placeholder also says "Rules of Behavior": wait for the rules themselves.
        await wait_until(
            pilot,
            lambda: "(version" in str(app.screen.query_one("#rules-text").render()),
            "the rules text",
        )
        await pilot.press("a")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "the queues")
        table = app.screen.query_one(QueueTable)
        await pilot.press("4")  # All reports (agent: My queue, Drafts, My reports, All)
        await wait_until(pilot, lambda: report["id"] in [i.id for i in table.items], "row")
    me = await api.call("agent.nyc", "GET", "/me")
    assert me["must_acknowledge_rules"] is False


async def test_wrong_password_is_refused_at_the_form(tui_server: Any) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_credentials(pilot, "agent.nyc", "not-the-password")
        error = app.screen.query_one("#login-error")
        await wait_until(
            pilot, lambda: "Wrong username or password" in str(error.render()), "error"
        )
        assert on_screen(pilot, LoginScreen)


async def test_idle_lock_asks_for_the_password_again(tui_server: Any, api: Api) -> None:
    now = [1000.0]
    app = make_app(tui_server.url, idle_lock_seconds=60, monotonic=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sac.nyc")
        old_token = app.session.client.token
        now[0] += 61
        await wait_until(pilot, lambda: on_screen(pilot, LockScreen), "the lock")
        assert not app.screen.query(QueueTable)  # nothing of the queue shows through
        await wait_until(pilot, lambda: app.screen.query_one("#lock-password").has_focus, "focus")
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "unlocked")
        assert app.session.client.token not in (None, old_token)
    stale = await api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"})
    assert stale.status_code == 401  # the session the lock replaced was ended


async def test_a_refused_unlock_says_why_in_full_at_80_columns(tui_server: Any) -> None:
    now = [1000.0]
    app = make_app(tui_server.url, idle_lock_seconds=60, monotonic=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "sac.nyc")
        now[0] += 61
        await wait_until(pilot, lambda: on_screen(pilot, LockScreen), "the lock")
        await wait_until(pilot, lambda: app.screen.query_one("#lock-password").has_focus, "focus")
        await type_text(pilot, "not-the-password")
        await pilot.press("enter")
        ending = "an administrator can unlock it."
        await wait_until(pilot, lambda: shows_in_full(app, ending), "the whole message")
        assert shows_in_full(app, "After 3 failed attempts an account is locked for 30 minutes")


async def test_every_action_is_in_the_command_palette(tui_server: Any) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "fod.nyc")
        titles = {c.title for c in screen_commands(app.screen)}
        expected = {"report: New", "report: Search", "queue: Refresh", "session: Log out"}
        assert expected | {"app: Help"} <= titles
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: on_screen(pilot, CommandPalette), "the palette")
        await type_text(pilot, "session: Log out")
        await wait_until(
            pilot,
            lambda: (
                "session: Log out"
                in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
            ),
            "the command found",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: on_screen(pilot, LoginScreen), "logged out")
