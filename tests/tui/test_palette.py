"""The command palette offers only what applies here, and nothing that writes the screen,
report content and all, to a file (Textual's own Screenshot wrote an SVG to ~/Downloads)."""

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from sen_tui.app import ScreenshotRefused, SenApp
from sen_tui.modals.choice import ChoiceModal
from sen_tui.screens.report_detail import ReportDetailScreen
from tests.support.tui import (
    Api,
    log_in_through_ui,
    make_app,
    notified,
    open_from_queue,
    text_of,
    type_text,
    wait_until,
)
from tests.tui.bodies import EVENT_AT, sir_body

TEXTUAL_BUILT_INS = {"Screenshot", "Maximize", "Minimize", "Theme", "Keys", "Quit"}
# Commands that leave the report (they are checked on other screens' tests).
LEAVING = {"report: Back", "session: Lock", "app: Quit"}


def palette_titles(app: SenApp) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


def assert_only_ours(titles: list[str]) -> None:
    """Every entry is one of SEN's "group: Verb" commands; none of Textual's own."""
    assert not set(titles) & TEXTUAL_BUILT_INS
    for title in titles:
        group, _, verb = title.partition(": ")
        assert group and verb, title


async def test_the_palette_offers_only_the_queues_there_are(tui_server: Any) -> None:
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_through_ui(pilot, "agent.nyc")  # My queue, Drafts, My reports, All
        titles = palette_titles(app)
        assert_only_ours(titles)
        shown = {t for t in titles if t.startswith("queue: Show queue")}
        assert shown == {f"queue: Show queue {n}" for n in range(1, 5)}
        # One page: no page to turn to, so neither is offered (the keys stay, dimmed).
        assert "queue: Next page" not in titles and "queue: Previous page" not in titles
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await type_text(pilot, "queue: Show queue")
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count == 4, "four queues found")


def write_opens(recording: list[bool], written: list[str]) -> None:
    """Record every file opened for writing while ``recording[0]`` (an audit hook cannot be
    removed once added: it stays, idle, for the rest of the run)."""
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if not recording[0] or event != "open":
            return
        path, mode, flags = args
        if str(path).endswith(".pyc") or "__pycache__" in str(path):
            return  # a lazy import's bytecode cache: not content
        if (isinstance(mode, str) and set(mode) & set("wax+")) or (
            mode is None and isinstance(flags, int) and flags & writing
        ):
            written.append(str(path))

    sys.addaudithook(hook)


async def run_from_palette(pilot: Pilot[Any], title: str) -> None:
    """ctrl+p, the command's name, enter: as a user runs it."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    await type_text(pilot, title)
    options = pilot.app.screen.query_one(OptionList)
    await wait_until(
        pilot,
        lambda: options.option_count and title in str(options.get_option_at_index(0).prompt),
        f"{title} found",
    )
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette), "ran")


async def back_to(pilot: Pilot[Any], screen: Any) -> None:
    """Escape until ``screen`` is on top again (discarding an untouched form's question)."""
    for _ in range(5):
        await pilot.pause(0.2)
        if pilot.app.screen is screen:
            return
        if isinstance(pilot.app.screen, ChoiceModal):
            pilot.app.screen.dismiss("discard")
            continue
        await pilot.press("escape")
    await wait_until(pilot, lambda: pilot.app.screen is screen, "back on the report")


async def test_no_palette_command_writes_report_content_to_disk(
    tui_server: Any, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = await api.sent(
        "officer.lax", "SIR", "Arrest with a named subject", event_at=EVENT_AT, body=sir_body(1)
    )
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))  # where Textual put screenshots: ~/Downloads
    monkeypatch.chdir(work)
    recording, written = [False], []
    write_opens(recording, written)
    app = make_app(tui_server.url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in_through_ui(pilot, "officer.lax")
        await open_from_queue(pilot, "3", report["id"])  # My queue, Drafts, My reports
        detail = app.screen
        assert isinstance(detail, ReportDetailScreen)
        assert "Synthetic0" in text_of(app, "#report-body")  # a subject's name is shown
        titles = palette_titles(app)
        assert_only_ours(titles)
        assert {"report: Amend", "report: Close report", "report: Versions"} <= set(titles)
        recording[0] = True
        probe = tmp_path / "probe"
        probe.write_text("the hook sees writes")  # proof that the watch works
        assert written == [str(probe)]
        written.clear()
        try:
            for title in sorted(set(titles) - LEAVING):
                await run_from_palette(pilot, title)
                await back_to(pilot, detail)
            # Textual's own ways to a screenshot file are refused, whatever reaches them.
            app.action_screenshot()
            app.deliver_screenshot()
            with pytest.raises(ScreenshotRefused):
                app.save_screenshot()
        finally:
            recording[0] = False
        await wait_until(pilot, lambda: notified(app, "Screenshots are off"), "said why")
    assert written == []
    assert not list(home.rglob("*")) and not list(work.rglob("*"))
