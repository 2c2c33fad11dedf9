"""Workspaces and what the user may do, from the server's answers alone: every demo role
lands on its first workspace, every tab has content or says why it is empty, and a review
rule changed by an administrator reaches a running client without a restart."""

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey

from sen_tui.commands import screen_commands
from sen_tui.modals.audit_record import AuditRecordModal
from sen_tui.modals.choice import ChoiceModal
from sen_tui.modals.pick_workspace import PickWorkspaceModal
from sen_tui.screens.admin import AdminScreen
from sen_tui.screens.audit import AuditScreen
from sen_tui.screens.intel import IntelScreen
from sen_tui.screens.news import EMPTY as NEWS_EMPTY
from sen_tui.screens.news import NewsScreen
from sen_tui.screens.queues import QueuesScreen
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.screens.report_form import ReportFormScreen
from sen_tui.screens.statistics import StatisticsScreen
from sen_tui.screens.summaries import EMPTY as summaries_empty
from sen_tui.screens.summaries import SummariesScreen
from sen_tui.screens.workspace import WorkspaceScreen
from sen_tui.screens.workspace_note import WorkspaceNoteScreen
from sen_tui.widgets.audit_table import AuditTable
from sen_tui.widgets.footer import SenFooter
from sen_tui.widgets.stats_views import StatsTable
from shared.enums import WorkspaceAction
from shared.schemas import WorkspacePublic
from tests.support import flows
from tests.support.tui import (
    Api,
    form_ready,
    in_workspace,
    log_in_through_ui,
    make_app,
    on_screen,
    open_from_queue,
    open_new_form,
    screen_busy,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, sir_body

# SPEC §11: one account of every kind of role.
DEMO_ROLES = list(flows.ONE_PER_ROLE)
SIR_IN_PICKER = 2  # agent.nyc (HSI) writes LEARA, OPPRED, SIR, SPEAR, SPOT


def titles(pilot: Pilot[Any]) -> set[str]:
    """The screen's keys as the command palette names them."""
    return {c.title for c in screen_commands(pilot.app.screen)}


async def check_every_tab(pilot: Pilot[Any], workspace: WorkspacePublic) -> None:
    """The workspace on screen shows something on every tab, or says why it cannot."""
    screen = pilot.app.screen
    assert isinstance(screen, WorkspaceScreen) and screen.workspace == workspace
    if isinstance(screen, QueuesScreen):
        assert screen.queues and screen.queues == workspace.queues
        for index, queue in enumerate(workspace.queues):
            await pilot.press(str(index + 1))
            await wait_until(
                pilot,
                lambda q=queue: screen.page is not None and screen.page.queue == q.name,
                f"the {queue.label} tab",
            )
            if not screen.page.items:
                assert queue.help, f"{queue.name} is empty and does not say why"
                assert text_of(pilot.app, "#queue-status").strip() == f"{queue.label}: {queue.help}"
    elif isinstance(screen, AuditScreen):
        assert screen.query_one(AuditTable).row_count > 0  # the user's own login, at least
    elif isinstance(screen, AdminScreen):
        routing = text_of(pilot.app, "#routing-rules-text")
        assert screen.routing and all(code in routing for code in screen.routing)
        review = screen.query_one("#review-rules-table", DataTable)
        assert screen.review and review.row_count == len(screen.review)
        if WorkspaceAction.MANAGE_USERS in workspace.actions:
            assert screen.query_one("#users-table", DataTable).row_count > 0
        if WorkspaceAction.MANAGE_LISTS in workspace.actions:  # the demo's lists and agencies
            assert screen.query_one("#lists-table", DataTable).row_count > 0
        if WorkspaceAction.MANAGE_AGENCIES in workspace.actions:
            assert screen.query_one("#agencies-table", DataTable).row_count > 0
    elif isinstance(screen, SummariesScreen):
        await wait_until(pilot, lambda: screen.ready, "the sent summaries")
        assert screen.sent or text_of(pilot.app, "#sent-note").strip() == summaries_empty
    elif isinstance(screen, NewsScreen):
        assert screen.page is not None
        if not screen.page.items:
            assert text_of(pilot.app, "#news-status").strip() == NEWS_EMPTY
    elif isinstance(screen, IntelScreen):
        assert screen.leads is not None and screen.products is not None
        if "read_leads" in workspace.actions:
            assert text_of(pilot.app, "#intel-counts").startswith("Awaiting triage:")
        assert "report ID, an A-number or a name" in text_of(pilot.app, "#intel-query")
    elif isinstance(screen, StatisticsScreen):
        assert screen.answer is not None  # the counts the user may see, even if all zero
        assert screen.query_one(StatsTable).row_count == len(screen.answer.rows) + 1  # totals
    else:
        assert isinstance(screen, WorkspaceNoteScreen)
        assert workspace.note and text_of(pilot.app, "#workspace-note").strip() == workspace.note


@pytest.mark.parametrize("username", DEMO_ROLES)
async def test_every_role_lands_where_every_tab_has_content_or_says_why_it_is_empty(
    tui_server: Any, username: str
) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, username)
        workspaces = app.session.me.workspaces
        assert workspaces, f"{username} is offered no workspace"
        assert app.screen.workspace == workspaces[0]  # lands on the first
        reads_content = any(w.queues for w in workspaces)
        for workspace in workspaces:
            app.switch_workspace(workspace.name)
            await wait_until(
                pilot,
                lambda w=workspace: in_workspace(pilot) and app.screen.workspace == w,
                f"the {workspace.label} workspace",
            )
            await wait_until(pilot, lambda: not screen_busy(pilot), "its first page")
            await check_every_tab(pilot, workspace)
            # Every key the workspace offers is on screen at 80 columns: none scrolled out
            # of sight past the right edge of the footer.
            footer = app.screen.query_one(SenFooter)
            await wait_until(
                pilot,
                lambda f=footer: f.query(FooterKey) and f.max_scroll_x == 0,
                f"every {workspace.label} key to fit in 80 columns",
            )
            offered = titles(pilot)
            assert "session: Log out" in offered  # never a dead end
            if not reads_content:  # nothing to acknowledge, not even dimmed
                keys = {b.binding.id for b in app.screen.active_bindings.values()}
                assert "report.acknowledge" not in keys


async def test_a_review_rule_changed_by_an_administrator_reaches_a_running_client(
    tui_server: Any, api: Api
) -> None:
    draft = await api.draft(
        "agent.nyc", "SIR", "Drafted before the rule changed", event_at=EVENT_AT, body=sir_body()
    )
    app = make_app(tui_server.url)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await log_in_through_ui(pilot, "agent.nyc")
            await open_new_form(pilot, SIR_IN_PICKER)
            assert {"form: Submit", "form: Ask review"} <= titles(pilot)  # elective
            await close_untouched_form(pilot)

            await api.set_review_rule("SIR", "mandatory")  # meanwhile, an administrator

            await open_new_form(pilot, SIR_IN_PICKER)
            offered = titles(pilot)
            assert "form: Ask review" in offered and "form: Submit" not in offered
            await close_untouched_form(pilot)
            await open_from_queue(pilot, "2", draft["id"])  # My queue, Drafts
            await pilot.press("e")
            await wait_until(pilot, lambda: form_ready(pilot), "the draft")
            offered = titles(pilot)
            assert "form: Ask review" in offered and "form: Submit" not in offered
            await pilot.press("ctrl+t")  # not offered: nothing is sent
            await pilot.press("ctrl+r")
            await wait_until(
                pilot,
                lambda: (
                    on_screen(pilot, ReportDetailScreen) and app.screen.report.status == "in_review"
                ),
                "sent for review",
            )
        report = await api.call("agent.nyc", "GET", f"/reports/{draft['id']}")
        assert report["status"] == "in_review"
    finally:
        await api.set_review_rule("SIR", "elective")


async def close_untouched_form(pilot: Pilot[Any]) -> None:
    """Escape; if the form asks about unsaved changes, discard them."""
    await pilot.press("escape")
    await wait_until(
        pilot, lambda: not on_screen(pilot, ReportFormScreen), "the form closed or asking"
    )
    if on_screen(pilot, ChoiceModal):
        pilot.app.screen.query_one("#discard").focus()
        await pilot.press("enter")
    await wait_until(pilot, lambda: on_screen(pilot, QueuesScreen), "back on the queues")


async def test_an_administrator_changes_a_review_rule_in_the_admin_workspace(
    tui_server: Any, api: Api
) -> None:
    app = make_app(tui_server.url)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await log_in_through_ui(pilot, "admin")
            assert on_screen(pilot, AdminScreen)
            assert "rules: Change review rule" not in titles(pilot)  # on the routing tab
            await pilot.press("v")
            table = app.screen.query_one("#review-rules-table", DataTable)
            await wait_until(pilot, lambda: table.has_focus, "the review rules")
            while table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value != "LEARA":
                await pilot.press("down")
            await pilot.press("c")
            await wait_until(pilot, lambda: on_screen(pilot, ChoiceModal), "the choice")
            assert app.screen.focused is app.screen.query_one("#elective")  # as it is now
            await pilot.press("shift+tab", "enter")  # Mandatory
            await wait_until(pilot, lambda: on_screen(pilot, AdminScreen), "the rules again")
            await wait_until(pilot, lambda: app.screen.review["LEARA"] == "mandatory", "saved")
        rules = await api.call("admin", "GET", "/admin/review-rules")
        assert rules["LEARA"] == "mandatory"
        spec = await api.call("agent.nyc", "GET", "/report-types/LEARA")
        assert spec["review"] == "mandatory"
    finally:
        await api.set_review_rule("LEARA", "elective")


async def test_an_administrator_switches_workspaces_by_key_and_by_palette(
    tui_server: Any,
) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "admin")  # Administration, then Audit
        admin_screen = app.screen
        assert isinstance(admin_screen, AdminScreen)
        assert "workspace: Audit" in {c.title for c in app.get_system_commands(app.screen)}
        await pilot.press("w")
        await wait_until(pilot, lambda: on_screen(pilot, PickWorkspaceModal), "the picker")
        await pilot.press("enter")  # the cursor starts on the next workspace
        await wait_until(pilot, lambda: on_screen(pilot, AuditScreen), "the audit log")
        await wait_until(pilot, lambda: in_workspace(pilot), "its first page")
        await pilot.press("ctrl+p")
        await type_text(pilot, "workspace: Administration")
        await wait_until(pilot, lambda: "workspace: Administration" in palette_first(pilot), "hit")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is admin_screen, "the same admin screen")


def palette_first(pilot: Pilot[Any]) -> str:
    from textual.widgets import OptionList

    options = pilot.app.screen.query_one(OptionList)
    return str(options.get_option_at_index(0).prompt) if options.option_count else ""


async def test_an_auditor_filters_pages_and_opens_audit_records(tui_server: Any, api: Api) -> None:
    await api.as_user("opr")  # a login and a rules acknowledgment
    denied = await api.http.get("/api/v1/audit", headers=await api.as_user("opr"))
    assert denied.status_code == 403  # opr may not read the audit log: audited as denied
    app = make_app(tui_server.url, page_size=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "isso")
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one(AuditTable)
        await pilot.press("/")
        await wait_until(pilot, lambda: screen.query_one("#audit-actor", Input).has_focus, "focus")
        await type_text(pilot, "opr")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: table.records and {r.actor for r in table.records} == {"opr"},
            "opr's records",
        )
        assert table.has_focus
        screen.query_one("#audit-outcome").value = "denied"
        await wait_until(
            pilot,
            lambda: [(r.action, r.outcome) for r in table.records] == [("audit.read", "denied")],
            "the denied read",
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: on_screen(pilot, AuditRecordModal), "the record")
        assert app.screen.record.actor == "opr"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back on the log")

        screen.query_one("#audit-outcome").clear()
        screen.query_one("#audit-actor", Input).value = ""
        screen.start_over()
        await wait_until(pilot, lambda: len(table.records) == 5, "a first page of five")
        first = [r.seq for r in table.records]
        await pilot.press("]")
        await wait_until(pilot, lambda: [r.seq for r in table.records] != first, "the next")
        assert max(r.seq for r in table.records) < min(first)  # older, newest first
        await pilot.press("[")
        await wait_until(pilot, lambda: [r.seq for r in table.records] == first, "back")


async def test_a_queue_pages_forward_and_back_and_keeps_its_place_as_reports_arrive(
    tui_server: Any, api: Api
) -> None:
    """``]`` follows the server's cursor, ``[`` goes back through the pages seen; a report
    that arrives meanwhile lands on the first page instead of shifting the one on screen."""
    for n in range(11):
        await api.spot("officer.lax", f"Paging SPOT {n}")
    reader = "sdo.nyc"
    held = await api.call(reader, "GET", "/queues/mine", params={"limit": 500})
    ids = [item["id"] for item in held["items"]]
    assert len(ids) > 10
    app = make_app(tui_server.url, page_size=5)
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in_through_ui(pilot, reader)
        screen = app.screen
        assert isinstance(screen, QueuesScreen)

        def shown() -> list[str]:
            return [item.id for item in screen.page.items] if screen.page else []

        def status() -> str:
            return text_of(app, "#queue-status")

        pages = -(-len(ids) // 5)
        await wait_until(pilot, lambda: shown() == ids[:5], "the first page")
        assert f"1-5 of {len(ids)} · page 1/{pages}" in status()
        await pilot.press("]")
        await wait_until(pilot, lambda: shown() == ids[5:10], "the second page")
        assert f"6-10 of {len(ids)} · page 2/{pages}" in status()
        # Someone submits a SPOT: the queue refreshes by itself, and this page stays put.
        arrived = await api.spot("officer.lax", "A SPOT while paging")
        await wait_until(pilot, lambda: f"of {len(ids) + 1}" in status(), "the new total")
        assert shown() == ids[5:10]
        for number in range(3, pages + 1):
            await pilot.press("]")
            rows = ids[5 * (number - 1) : 5 * number]
            await wait_until(pilot, lambda rows=rows: shown() == rows, f"page {number}")
        assert screen.check_action("page", (1,)) is None  # "]" dimmed on the last page
        for number in range(pages - 1, 1, -1):
            await pilot.press("[")
            rows = ids[5 * (number - 1) : 5 * number]
            await wait_until(pilot, lambda rows=rows: shown() == rows, f"back to page {number}")
        await pilot.press("[")
        await wait_until(pilot, lambda: shown() == [arrived["id"], *ids[:4]], "page one again")
        assert screen.check_action("page", (-1,)) is None  # "[" dimmed on the first page
