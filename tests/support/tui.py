"""Driving the terminal client in tests: an app factory pointed at a real server, waits on
conditions (never sleeps), keyboard steps a user takes, and the server as other users see
it through the HTTP API. The fixtures that start the server stay in tests/tui/conftest.py.

Before any app starts, tests/tui/conftest.py turns animations, the user's config file and
the OS keyring off.
"""

import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from rich.console import Console
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.worker import WorkerState

from sen_tui.app import SenApp
from sen_tui.config import ClientSettings
from sen_tui.modals.pick_workspace import PickWorkspaceModal
from tests.support.api import login
from tests.support.demo import DEMO_PASSWORD
from tests.tui.bodies import EVENT_AT, spot_body

FROZEN_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
WAIT_SECONDS = 20.0  # generous: the CI machine has two cores


def make_app(server_url: str, *, monotonic: Any = None, **settings: Any) -> SenApp:
    """The app as a user gets it, pointed at a test server, made deterministic."""
    values: dict[str, Any] = {
        "server_url": server_url,
        "server_label": "test server",
        "use_keyring": False,
        "cursor_blink": False,
        "autosave_seconds": 3600,  # saves happen when a test says so
    }
    values.update(settings)
    extra = {"monotonic": monotonic} if monotonic is not None else {}
    app = SenApp(ClientSettings(**values), clock=lambda: FROZEN_NOW, **extra)
    app.animation_level = "none"
    return app


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], object], what: str = "condition"
) -> None:
    """Let the app run until ``predicate()`` holds; fail after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            if predicate():
                return
        except Exception:  # the widget may not exist yet
            pass
        if time.monotonic() > deadline:
            screen = type(pilot.app.screen).__name__
            raise AssertionError(f"timed out waiting for {what} (screen: {screen})")
        await pilot.pause(0.05)


def screen_busy(pilot: Pilot[Any]) -> bool:
    """Whether the current screen still has work (loading a page, a report...) under way or
    due (a queue's re-read waits out a short settling time after the stream connects)."""
    screen = pilot.app.screen
    if getattr(screen, "catching_up", False):
        return True
    return any(
        w.node is screen and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        for w in pilot.app.workers
    )


def on_screen(pilot: Pilot[Any], screen_type: type[Screen[Any]]) -> bool:
    return isinstance(pilot.app.screen, screen_type)


def text_of(app: Any, selector: str) -> str:
    """A Static's text as it reads on screen (tables included), without styles."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def screen_lines(app: Any) -> list[str]:
    """The terminal as the user reads it, one string per line, styles dropped: what a
    snapshot would show (a dialog over the dimmed screen below it included), as text."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    # The picture Textual's own export_screenshot takes, without writing it anywhere.
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text().splitlines()


def notified(app: Any, message: str) -> bool:
    """Whether a notification saying ``message`` is showing (Textual keeps them here)."""
    return any(message in n.message for n in app._notifications)


def in_workspace(pilot: Pilot[Any]) -> bool:
    """On a workspace's base screen, with what it shows first loaded."""
    from sen_tui.screens.workspace import WorkspaceScreen

    screen = pilot.app.screen
    return isinstance(screen, WorkspaceScreen) and screen.ready


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def enter_credentials(
    pilot: Pilot[Any], username: str, password: str = DEMO_PASSWORD
) -> None:
    """Type a username and a password into the login form, each ended with enter."""
    from sen_tui.screens.login import LoginScreen

    app = pilot.app
    await wait_until(pilot, lambda: on_screen(pilot, LoginScreen), "the login screen")
    await wait_until(pilot, lambda: app.screen.query_one("#username").has_focus, "focus")
    await type_text(pilot, username)
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen.query_one("#password").has_focus, "password")
    await type_text(pilot, password)
    await pilot.press("enter")


async def log_in_through_ui(
    pilot: Pilot[Any], username: str, password: str = DEMO_PASSWORD
) -> None:
    """Notice + login form; acknowledge the rules if asked; wait for the first workspace
    the server offers the user, loaded."""
    from sen_tui.screens.rules import RulesScreen
    from sen_tui.screens.workspace import WorkspaceScreen

    app = pilot.app
    await enter_credentials(pilot, username, password)
    await wait_until(
        pilot,
        lambda: on_screen(pilot, RulesScreen) or on_screen(pilot, WorkspaceScreen),
        "rules or a workspace",
    )
    if on_screen(pilot, RulesScreen):
        await wait_until(pilot, lambda: app.screen.rules is not None, "the rules text")
        await wait_until(pilot, lambda: app.screen.query_one("#acknowledge").has_focus, "rules")
        await pilot.press("a")
    await wait_until(pilot, lambda: in_workspace(pilot), "the first workspace loaded")


async def open_from_queue(pilot: Any, queue_key: str, report_id: str) -> None:
    """Switch to a queue tab, walk the cursor to the report, open it."""
    from sen_tui.screens.report_detail import ReportDetailScreen
    from sen_tui.widgets.queue_table import QueueTable

    app = pilot.app
    await pilot.press(queue_key)
    table = app.screen.query_one(QueueTable)
    await wait_until(pilot, lambda: report_id in [i.id for i in table.items], report_id)
    while table.current_report_id != report_id:
        await pilot.press("down")
    await pilot.press("enter")
    await wait_until(pilot, lambda: on_screen(pilot, ReportDetailScreen), "the report")
    await wait_until(pilot, lambda: app.screen.report is not None, "the report loaded")


async def open_new_form(pilot: Pilot[Any], type_index: int) -> None:
    """n, then the type at ``type_index`` in the picker: a new, empty form."""
    from sen_tui.modals.pick_type import PickTypeModal

    await pilot.press("n")
    await wait_until(pilot, lambda: on_screen(pilot, PickTypeModal), "the type picker")
    await pilot.press(*["down"] * type_index, "enter")
    await wait_until(pilot, lambda: form_ready(pilot), "the form, its first field focused")


def form_ready(pilot: Pilot[Any]) -> bool:
    """The report form is on screen and has put the cursor in its first field: a field
    focused before that would lose the cursor to it (seen on a slow CI machine)."""
    from sen_tui.screens.report_form import ReportFormScreen

    screen = pilot.app.screen
    return isinstance(screen, ReportFormScreen) and screen.ready


async def edit_from_queue(pilot: Pilot[Any], queue_key: str, report_id: str) -> None:
    """Open a draft from a queue and press e: the form, with the cursor in it."""

    await open_from_queue(pilot, queue_key, report_id)
    await pilot.press("e")
    await wait_until(pilot, lambda: form_ready(pilot), "the form, its first field focused")


async def review_from_keyboard(pilot: Pilot[Any], report_id: str, key: str, comment: str) -> None:
    """A supervisor's review queue: open the report, approve (p) or return (t) it with a
    comment typed into the dialog."""
    from sen_tui.modals.prompt import TextPromptModal

    await open_from_queue(pilot, "2", report_id)  # My queue, Review, ...
    await pilot.press(key)
    await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the review dialog")
    await type_text(pilot, comment)
    await pilot.press("enter")


class Api:
    """The server as other users (or the test) see it, through the HTTP API."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.headers: dict[str, dict[str, str]] = {}

    async def as_user(self, username: str) -> dict[str, str]:
        if username not in self.headers:
            self.headers[username] = await login(self.http, username)
        return self.headers[username]

    async def call(self, username: str, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(
            method, f"/api/v1{path}", headers=await self.as_user(username), **kwargs
        )
        assert response.is_success, response.text
        return response.json() if response.content else None

    async def draft(self, username: str, report_type: str, title: str, **fields: Any) -> Any:
        payload = {"type": report_type, "title": title, **fields}
        return await self.call(username, "POST", "/reports", json=payload)

    async def sent(
        self, username: str, report_type: str, title: str, *, review: bool = False, **fields: Any
    ) -> Any:
        """A draft written and then submitted (or sent for review): the report as it is."""
        report = await self.draft(username, report_type, title, **fields)
        action = "request-review" if review else "submit"
        payload = {"base_revision": report["revision"]}
        return await self.call(username, "POST", f"/reports/{report['id']}/{action}", json=payload)

    async def spot(self, username: str, title: str) -> Any:
        """A submitted SPOT: readable by everyone, flash priority."""
        return await self.sent(username, "SPOT", title, event_at=EVENT_AT, body=spot_body())

    async def set_review_rule(self, report_type: str, policy: str) -> Any:
        """As the administrator: a type's review rule in the database."""
        return await self.call("admin", "PUT", f"/admin/review-rules/{report_type}", json=policy)


def shows_in_full(app: Any, sentence: str) -> bool:
    """Whether ``sentence`` is on screen whole, however it is wrapped across lines."""
    # Borders are not text: "│ wrapped │" lines read as one sentence.
    text = " ".join(line.strip(" │┃║▎▊") for line in screen_lines(app))
    return " ".join(sentence.split()) in " ".join(text.split())


async def switch_workspace(pilot: Pilot[Any], name: str) -> None:
    """Open the workspace picker (w) and choose workspace ``name`` (its ``Workspace`` value)
    with the arrow keys, as a user would, whatever order the server offers them in."""
    await pilot.press("w")
    await wait_until(pilot, lambda: on_screen(pilot, PickWorkspaceModal), "the picker")
    options = pilot.app.screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    assert name in ids, f"workspace {name} is not offered: {ids}"
    target = ids.index(name)
    for _ in range(len(ids)):
        if options.highlighted == target:
            break
        await pilot.press("down" if (options.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await wait_until(pilot, lambda: not on_screen(pilot, PickWorkspaceModal), "the picker closed")
