"""Every screen at 80x24 and 120x36, against a real server holding fixed data.

Deterministic by construction: the data was written with a frozen clock
(snapshot_data.py), the client's clock is frozen, animations and cursor blink are off,
the server is shown by a fixed label, and each snapshot waits for what it shows (the queue
loaded, the live stream connected) instead of sleeping. Snapshots never change what other
snapshots show: the supervisor never opens the reports in their queue, and each conflict
snapshot has its own draft.

Update with `pytest tests/tui/test_snapshots.py --snapshot-update` after looking at the
report (snapshot_report.html).
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, Tab, Tabs

from sen_tui.app import SenApp
from sen_tui.demo import DemoAccount, EmbeddedServer
from sen_tui.live import ConnectionState
from sen_tui.modals.audit_record import AuditRecordModal
from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.conflict import ConflictModal
from sen_tui.modals.disposition import DispositionModal
from sen_tui.modals.help import HelpModal
from sen_tui.modals.pick_type import PickTypeModal
from sen_tui.modals.pick_workspace import PickWorkspaceModal
from sen_tui.modals.prompt import ConfirmModal, TextPromptModal
from sen_tui.modals.recipients import RecipientsModal
from sen_tui.screens.audit import AuditScreen
from sen_tui.screens.demo import DemoAccountsScreen
from sen_tui.screens.lock import LockScreen
from sen_tui.screens.password import PasswordScreen
from sen_tui.screens.rules import RulesScreen
from sen_tui.screens.search import SearchScreen
from sen_tui.screens.statistics import StatisticsScreen
from sen_tui.widgets.queue_table import QueueTable
from sen_tui.widgets.report_form import ReportForm
from shared.enums import AuditOutcome
from shared.schemas import AuditRecordPublic
from tests.support import flows
from tests.support.api import login
from tests.support.databases import server_settings
from tests.support.servers import ServerProcess
from tests.support.tui import (
    edit_from_queue,
    enter_credentials,
    form_ready,
    make_app,
    on_screen,
    open_from_queue,
    screen_busy,
    type_text,
    wait_until,
)
from tests.support.tui import log_in_through_ui as log_in
from tests.tui.snapshot_data import (
    RULES_USER,
    SEEDING_ONLY_USER,
    TEMPORARY_PASSWORD,
    TEMPORARY_USER,
    seed_snapshot_data,
)

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
Steps = Callable[[Pilot[Any]], Awaitable[None]]

pytestmark = pytest.mark.parametrize("size", list(SIZES))


@pytest.fixture(scope="module")
async def fixed_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[ServerProcess, dict[str, str]]]:
    from sen_server.migrate import upgrade_async

    settings = server_settings(tmp_path_factory.mktemp("snapshot-server"))
    await upgrade_async(settings)
    ids = await seed_snapshot_data(settings)
    server = ServerProcess(settings)
    server.start()
    try:
        yield server, ids
    finally:
        server.stop()


@pytest.fixture
def server(fixed_server: tuple[ServerProcess, dict[str, str]]) -> ServerProcess:
    return fixed_server[0]


@pytest.fixture
def ids(fixed_server: tuple[ServerProcess, dict[str, str]]) -> dict[str, str]:
    return fixed_server[1]


def snap(snap_compare: Any, app: SenApp, size: str, steps: Steps) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await steps(pilot)
        app.clear_notifications()  # toasts come and go with time: not part of a screen
        # A tab label that gains its count moves the tab underline on a later refresh;
        # let that settle so the picture is the final one (seen flaky under load).
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


async def settled(pilot: Pilot[Any]) -> None:
    """The live stream connected and the queue page loaded: nothing left in flight."""
    session = pilot.app.session
    await wait_until(pilot, lambda: session.connection_state is ConnectionState.LIVE, "live")
    await wait_until(pilot, lambda: not screen_busy(pilot), "the screen's work done")
    await wait_until(pilot, lambda: underline_in_place(pilot), "the tab underline")


def underline_in_place(pilot: Pilot[Any]) -> bool:
    """The queue tabs' underline spans the active tab's label as it reads now: a label that
    gains its unread count moves the underline a refresh later, and a screen pushed on top
    in between (help, lock) would leave it short in the picture (seen under load in CI)."""
    tabs = pilot.app.screen.query(Tabs)
    if not tabs:
        return True
    active = tabs.first().query_one("#tabs-list > Tab.-active", Tab)
    region = active.virtual_region.shrink(active.styles.gutter)
    underline = tabs.first().query_one("Underline")
    span = (underline.highlight_start, underline.highlight_end)  # type: ignore[attr-defined]
    return region.width == active.label.cell_length and span == region.column_span


async def open_report(pilot: Pilot[Any], tab_key: str, report_id: str) -> None:
    await open_from_queue(pilot, tab_key, report_id)
    await wait_until(pilot, lambda: not screen_busy(pilot), "the report's work done")


def signed_in(
    snap_compare: Any, server: ServerProcess, size: str, username: str, then: Steps
) -> None:
    """Log in as ``username``, let the queue settle, then take ``then``'s steps."""
    app = make_app(server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        await log_in(pilot, username)
        await settled(pilot)
        await then(pilot)

    snap(snap_compare, app, size, steps)


# ---- before login -------------------------------------------------------------------


def test_login(snap_compare: Any, server: ServerProcess, size: str) -> None:
    app = make_app(server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        await wait_until(
            pilot, lambda: "Government" in str(app.screen.query_one("#notice").render()), "notice"
        )

    snap(snap_compare, app, size, steps)


def test_rules(snap_compare: Any, server: ServerProcess, size: str) -> None:
    app = make_app(server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        await enter_credentials(pilot, RULES_USER)  # never acknowledges: the rules are due
        await wait_until(pilot, lambda: on_screen(pilot, RulesScreen), "the rules")
        await wait_until(pilot, lambda: app.screen.rules is not None, "the rules text")
        await wait_until(pilot, lambda: app.screen.query_one("#acknowledge").has_focus, "focus")

    snap(snap_compare, app, size, steps)


def test_forced_password_change(snap_compare: Any, server: ServerProcess, size: str) -> None:
    app = make_app(server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        await enter_credentials(pilot, TEMPORARY_USER, TEMPORARY_PASSWORD)
        await wait_until(pilot, lambda: on_screen(pilot, PasswordScreen), "password change")

    snap(snap_compare, app, size, steps)


def test_demo_accounts(snap_compare: Any, size: str) -> None:
    class FixedDemo:
        url = "http://127.0.0.1:9"
        password = "demo-0000-0000"
        accounts = [
            DemoAccount("agent.nyc", "HSI", "agent", "RAC-LI"),
            DemoAccount("sup.nyc", "HSI", "supervisor", "RAC-LI"),
            DemoAccount("iroc.watch", "HQ", "iroc", "IROC"),
        ]

        def reports_status(self) -> str:
            return ""  # no build running: the line stays hidden

    app = make_app("http://127.0.0.1:9")
    app.demo = FixedDemo()  # type: ignore[assignment]

    async def steps(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: on_screen(pilot, DemoAccountsScreen), "the accounts")

    snap(snap_compare, app, size, steps)


def test_demo_that_could_not_start(snap_compare: Any, size: str) -> None:
    # A real embedded server whose interpreter fails at once (exit status 1, no output).
    demo = EmbeddedServer(reports=0, python="/bin/false")
    app = make_app(demo.url)
    app.demo = demo

    async def steps(pilot: Pilot[Any]) -> None:
        def failed() -> bool:
            progress = pilot.app.screen.query_one("#demo-progress", Static)
            return "could not start" in str(progress.content)

        await wait_until(pilot, failed, "the failure")

    try:
        snap(snap_compare, app, size, steps)
    finally:
        demo.stop()


# ---- the supervisor's screens ---------------------------------------------------------


def supervisor(snap_compare: Any, server: ServerProcess, size: str, then: Steps) -> None:
    signed_in(snap_compare, server, size, "sup.nyc", then)


def test_search(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("/")
        await wait_until(pilot, lambda: on_screen(pilot, SearchScreen), "the search screen")
        await wait_until(pilot, lambda: not screen_busy(pilot), "the screen mounted")
        await type_text(pilot, "undeclared goods")
        await pilot.press("enter")
        table = pilot.app.screen.query_one(QueueTable)
        await wait_until(pilot, lambda: len(table.items) == 2, "the two SIRs")
        await wait_until(pilot, lambda: not screen_busy(pilot), "the page loaded")

    supervisor(snap_compare, server, size, then)


def test_review_queue(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        table = pilot.app.screen.query_one(QueueTable)
        await wait_until(pilot, lambda: len(table.items) == 1, "the review queue")
        await wait_until(pilot, lambda: not screen_busy(pilot), "the page loaded")

    supervisor(snap_compare, server, size, then)


def test_help(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("f1")
        await wait_until(pilot, lambda: on_screen(pilot, HelpModal), "help")

    supervisor(snap_compare, server, size, then)


def test_lock(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: on_screen(pilot, LockScreen), "the lock")

    supervisor(snap_compare, server, size, then)


def test_voluntary_password_change(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        await wait_until(pilot, lambda: on_screen(pilot, PasswordScreen), "password change")

    supervisor(snap_compare, server, size, then)


def review_dialog(key: str) -> Callable[[dict[str, str]], Steps]:
    def with_ids(ids: dict[str, str]) -> Steps:
        async def then(pilot: Pilot[Any]) -> None:
            await open_report(pilot, "2", ids["in_review"])
            await pilot.press(key)
            await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the dialog")

        return then

    return with_ids


def test_approve_dialog(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    supervisor(snap_compare, server, size, review_dialog("p")(ids))


def test_return_dialog(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    supervisor(snap_compare, server, size, review_dialog("t")(ids))


# ---- the author's screens -------------------------------------------------------------


def author(snap_compare: Any, server: ServerProcess, size: str, then: Steps) -> None:
    signed_in(snap_compare, server, size, "agent.nyc", then)


def report_tab(ids: dict[str, str], tab: str) -> Steps:
    async def then(pilot: Pilot[Any]) -> None:
        await open_report(pilot, "3", ids["submitted"])  # My queue, Drafts, My reports
        if tab:
            await pilot.press(tab)
            await wait_until(pilot, lambda: not screen_busy(pilot), f"the {tab} tab")
            await pilot.pause()

    return then


def test_report_detail(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    author(snap_compare, server, size, report_tab(ids, ""))


def test_report_versions(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    author(snap_compare, server, size, report_tab(ids, "v"))


def test_report_routing(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    author(snap_compare, server, size, report_tab(ids, "o"))


def test_new_report_type(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await wait_until(pilot, lambda: on_screen(pilot, PickTypeModal), "the type picker")

    author(snap_compare, server, size, then)


async def open_form_for_sir(pilot: Pilot[Any]) -> None:
    await pilot.press("n")
    await wait_until(pilot, lambda: on_screen(pilot, PickTypeModal), "the type picker")
    await pilot.press("down", "down", "enter")
    await wait_until(pilot, lambda: form_ready(pilot), "the form")
    await wait_until(pilot, lambda: pilot.app.focused is not None, "focus in the form")


def test_new_sir_form(snap_compare: Any, server: ServerProcess, size: str) -> None:
    author(snap_compare, server, size, open_form_for_sir)


def test_unsaved_changes_question(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await open_form_for_sir(pilot)
        await type_text(pilot, "Half-written title")
        await pilot.press("escape")
        await wait_until(pilot, lambda: on_screen(pilot, ChoiceModal), "the question")

    author(snap_compare, server, size, then)


def test_close_report_question(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await open_report(pilot, "3", ids["submitted"])  # My queue, Drafts, My reports
        await pilot.press("k")
        await wait_until(pilot, lambda: on_screen(pilot, ConfirmModal), "the question")

    author(snap_compare, server, size, then)


def test_amend_reason_dialog(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await open_report(pilot, "3", ids["submitted"])
        await pilot.press("m")
        await wait_until(pilot, lambda: form_ready(pilot), "the form")
        await wait_until(pilot, lambda: pilot.app.focused is not None, "focus in the form")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the reason")

    author(snap_compare, server, size, then)


def test_form_with_errors(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await edit_from_queue(pilot, "2", ids["draft"])  # Drafts
        await pilot.press("ctrl+t")  # unchanged: checked here, nothing sent
        form = pilot.app.screen.query_one(ReportForm)
        await wait_until(pilot, lambda: form.error_count() > 0, "the errors")

    author(snap_compare, server, size, then)


def test_conflict_dialog(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    draft_id = ids[f"conflict-{size}"]
    app = make_app(server.url)

    async def steps(pilot: Pilot[Any]) -> None:
        await log_in(pilot, "agent.lax")
        await settled(pilot)
        await edit_from_queue(pilot, "2", draft_id)
        await type_text(pilot, " (mine)")
        async with httpx.AsyncClient(base_url=server.url) as http:
            headers = await login(http, "agent.lax")
            changed = await http.patch(
                f"/api/v1/reports/{draft_id}",
                json={"base_revision": 1, "title": "Planned search (theirs)"},
                headers=headers,
            )
            assert changed.is_success, changed.text
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: on_screen(pilot, ConflictModal), "the conflict")

    snap(snap_compare, app, size, steps)


# ---- after review: a returned report, recipients, a LEARA disposition -----------------


def ero_officer(snap_compare: Any, server: ServerProcess, size: str, then: Steps) -> None:
    signed_in(snap_compare, server, size, "officer.lax", then)


def test_returned_report(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await open_report(pilot, "2", ids["returned"])  # My queue, Drafts

    ero_officer(snap_compare, server, size, then)


def test_recipients_picker(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await edit_from_queue(pilot, "2", ids["returned"])
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: on_screen(pilot, RecipientsModal), "the picker")
        await type_text(pilot, "lax")
        options = pilot.app.screen.query_one(OptionList)
        await wait_until(
            pilot, lambda: options.get_option_at_index(0).id == "office:FIG-LAX", "offices"
        )
        await wait_until(pilot, lambda: options.get_option("user:agent.lax") is not None, "users")
        await pilot.press("down", "enter")  # tick the first line
        await wait_until(pilot, lambda: not screen_busy(pilot), "the lookups done")

    ero_officer(snap_compare, server, size, then)


def test_disposition_dialog(
    snap_compare: Any, server: ServerProcess, ids: dict[str, str], size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await open_report(pilot, "3", ids["leara"])  # My queue, Drafts, My reports
        await pilot.press("s")
        await wait_until(pilot, lambda: on_screen(pilot, DispositionModal), "the dialog")

    ero_officer(snap_compare, server, size, then)


# ---- where each role lands ----------------------------------------------------------

# SPEC §11: one account of every kind of role, each on the first workspace /me offers.
LANDING_ROLES = list(flows.ONE_PER_ROLE)


async def audit_of_the_seeding_only(pilot: Pilot[Any]) -> None:
    """The audit log's newest records are this run's own logins, at real times and in an
    order that depends on which tests ran: narrowed to a user who acted only while the
    fixed data was written, the page is the same on every run."""
    screen = pilot.app.screen
    await pilot.press("/")
    await wait_until(pilot, lambda: screen.query_one("#audit-actor").has_focus, "the filter")
    await type_text(pilot, SEEDING_ONLY_USER)
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: {r.actor for r in screen.page.items} == {SEEDING_ONLY_USER},
        "the seeded records",
    )
    await wait_until(pilot, lambda: not screen_busy(pilot), "the page loaded")


@pytest.mark.parametrize("username", LANDING_ROLES)
def test_landing(snap_compare: Any, server: ServerProcess, size: str, username: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        if isinstance(pilot.app.screen, AuditScreen):
            await audit_of_the_seeding_only(pilot)
        if isinstance(pilot.app.screen, StatisticsScreen):
            await statistics_of_the_fixed_data(pilot, pilot.app.screen)

    signed_in(snap_compare, server, size, username, then)


async def statistics_of_the_fixed_data(pilot: Pilot[Any], screen: StatisticsScreen) -> None:
    """The server's default range ends today (its clock runs): the snapshot names the
    fiscal year that holds the fixed data instead, so it reads the same on any day."""
    screen.query_one("#stats-since", Input).focus()
    await type_text(pilot, "2025-10-01")
    await pilot.press("tab")
    await type_text(pilot, "2026-09-30")
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: screen.answer is not None and str(screen.answer.since) == "2025-10-01",
        "range",
    )
    await wait_until(pilot, lambda: not screen_busy(pilot), "nothing in flight")


# ---- the other workspaces' screens ----------------------------------------------------


def test_review_rules(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("v")
        table = pilot.app.screen.query_one("#review-rules-table")
        await wait_until(pilot, lambda: table.has_focus, "the review rules")

    signed_in(snap_compare, server, size, "admin", then)


def test_workspace_picker(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("w")
        await wait_until(pilot, lambda: on_screen(pilot, PickWorkspaceModal), "the picker")

    signed_in(snap_compare, server, size, "admin", then)


# Sessions and hashes are random on every run: the dialog is shown with a fixed record.
FIXED_RECORD = AuditRecordPublic(
    seq=24,
    at=datetime(2026, 3, 2, 9, 13, 0, tzinfo=UTC),
    actor="sdo.lax",
    roles=["supervisor"],
    session="5f0c2a9e1b7d4c3a",
    source="127.0.0.1",
    action="report.return",
    object_type="report",
    object_id="SIR-2026-000005",
    outcome=AuditOutcome.SUCCESS,
    details={"from_status": "in_review", "to_status": "returned"},
    prev_hash="9" * 64,
    hash="a" * 64,
)


def test_audit_record(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await audit_of_the_seeding_only(pilot)
        pilot.app.push_screen(AuditRecordModal(FIXED_RECORD))
        await wait_until(pilot, lambda: on_screen(pilot, AuditRecordModal), "the record")

    signed_in(snap_compare, server, size, "isso", then)
