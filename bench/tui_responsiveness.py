"""How the terminal client keeps up with big content, headless (``App.run_test``).

    uv run python -m bench.tui_responsiveness [--repeat 3]

(a) Report detail: open ReportDetailScreen on an SIR with 50 subjects and a 20,000-character
narrative until it is rendered, then scroll it to the end with ``pagedown``. Baseline, same
run: the same screen on an SIR with 1 subject and a one-line narrative. The report is
served by ``httpx.MockTransport`` through the real SenClient (the server's cost is
bench/http_throughput.py's subject; this measures the client).

(b) Queue table: QueueTable fed 10,000 rows directly, then cursor keys. The client never
does this (it shows one server page of ``page_size`` rows, 50 by default); feeding the
widget directly measures what the table would cost without paging, which is why it pages.
Baseline, same run: the same table with 50 rows (the page the client really shows).
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from textual.app import App
from textual.pilot import Pilot
from textual.signal import Signal

from bench.machine import header, load
from bench.table import markdown, ratio
from sen_tui.api import SenClient
from sen_tui.app import SenApp
from sen_tui.config import ClientSettings
from sen_tui.credentials import TokenStore
from sen_tui.screens.report_detail import ReportDetailScreen
from sen_tui.session import Session
from sen_tui.widgets.queue_table import QueueTable
from shared.catalogue import get_type
from shared.enums import ReportType
from shared.fields import Catalogue
from shared.schemas import QueueItem

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SIZE = (120, 36)
REPORT_ID = "SIR-2026-000001"


def sir(subjects: int, narrative_chars: int) -> dict[str, Any]:
    sentence = "Synthetic narrative sentence about a routine inspection at the terminal. "
    narrative = (sentence * (narrative_chars // len(sentence) + 1))[:narrative_chars]
    body = {
        "category": "seizure",
        "location": {"facility": "Cargo terminal 4", "city": "Jamaica", "state": "NY"},
        "narrative": narrative,
        "reporting_contact": {"name": "Synthetic Agent", "title": "Special Agent"},
        "subjects": [
            {"role": "suspect", "first_name": f"Synthetic{n}", "last_name": "Person"}
            for n in range(subjects)
        ],
    }
    stamp = NOW.isoformat()
    return {
        "id": REPORT_ID,
        "type": "SIR",
        "status": "submitted",
        "version": 1,
        "revision": 1,
        "title": "Benchmark report",
        "marking": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        "priority": "routine",
        "case_number": None,
        "event_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        "submitted_at": stamp,
        "late": False,
        "author": "agent.nyc",
        "author_name": "Synthetic Agent",
        "author_office": "RAC-LI",
        "body": body,
    }


class Host(App[None]):
    """SenApp's styles without its sign-in flow: the screen under test is pushed directly."""

    CSS_PATH = SenApp.CSS_PATH


def session_for(app: App[Any], report: dict[str, Any]) -> Session:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/api/v1/reports/{REPORT_ID}":
            return httpx.Response(200, json=report)
        return httpx.Response(200, json=[])

    settings = ClientSettings(
        server_url="http://127.0.0.1:9", use_keyring=False, cursor_blink=False
    )
    session = Session(
        settings=settings,
        client=SenClient(settings, transport=httpx.MockTransport(answer)),
        tokens=TokenStore(settings.keyring_service, settings.server_url, use_keyring=False),
        events=Signal(app, "events"),
        connection=Signal(app, "connection"),
    )
    session.catalogue = Catalogue(types=[get_type(t) for t in ReportType])
    return session


async def until(pilot: Pilot[Any], predicate: Callable[[], object]) -> None:
    deadline = time.monotonic() + 60
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen never got there")
        await pilot.pause(0.001)


async def detail_case(subjects: int, narrative: int) -> tuple[float, float, int]:
    """(seconds to open and render, seconds to scroll to the end, pagedown presses)."""
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        session = session_for(app, sir(subjects, narrative))
        start = time.perf_counter()
        screen = ReportDetailScreen(session, REPORT_ID)
        await app.push_screen(screen)
        await until(pilot, lambda: screen.report is not None)
        await pilot.pause()  # the layout and paint after the content update
        opened = time.perf_counter() - start
        scroll = screen.query_one("#report-scroll")
        scroll.focus()
        await pilot.pause()
        presses = 0
        start = time.perf_counter()
        while scroll.scroll_y < scroll.max_scroll_y:
            await pilot.press("pagedown")
            presses += 1
        scrolled = time.perf_counter() - start
        await session.client.aclose()
    return opened, scrolled, presses


def queue_items(count: int) -> list[QueueItem]:
    return [
        QueueItem(
            id=f"SIR-2026-{n:06d}",
            type=ReportType.SIR,
            status="submitted",
            version=1,
            title=f"Synthetic report number {n}",
            priority="routine",
            author="agent.nyc",
            author_office="RAC-LI",
            event_at=NOW,
            created_at=NOW,
            updated_at=NOW,
            submitted_at=NOW,
            late=False,
            delivery_state="read",
        )
        for n in range(count)
    ]


async def queue_case(rows: int) -> tuple[float, float, float]:
    """(seconds to fill and render, seconds per `down`, seconds per `pagedown`)."""
    app = Host()
    items = queue_items(rows)

    async def steps(pilot: Pilot[Any], table: QueueTable) -> tuple[float, float, float]:
        start = time.perf_counter()
        table.show(items)
        await pilot.pause()
        shown = time.perf_counter() - start
        table.focus()
        await pilot.pause()
        start = time.perf_counter()
        for _ in range(20):
            await pilot.press("down")
        down = (time.perf_counter() - start) / 20
        start = time.perf_counter()
        for _ in range(5):
            await pilot.press("pagedown")
        page = (time.perf_counter() - start) / 5
        return shown, down, page

    async with app.run_test(size=SIZE) as pilot:
        table = QueueTable()
        await app.screen.mount(table)
        return await steps(pilot, table)


async def median_of(repeat: int, case: Callable[[], Awaitable[tuple[Any, ...]]]) -> list[float]:
    runs = [await case() for _ in range(repeat)]
    return [statistics.median(values) for values in zip(*runs, strict=True)]


@dataclass(frozen=True)
class Step:
    section: str  # "detail" or "queue"
    key: str  # open, scroll, per_pagedown, fill, down, pagedown: what bench/__main__.py reads
    label: str
    baseline_s: float  # the small case: 1-subject SIR, or 50 rows
    big_s: float  # the big case: 50 subjects and 20,000 characters, or 10,000 rows

    @property
    def ratio(self) -> float:
        return self.big_s / self.baseline_s if self.baseline_s else 0.0


async def measure(repeat: int = 3) -> list[Step]:
    """Medians of ``repeat`` runs of each case (set TEXTUAL_ANIMATIONS=none before Textual
    is imported, as the module docstring's command line does)."""
    small = await median_of(repeat, lambda: detail_case(1, 60))
    big = await median_of(repeat, lambda: detail_case(50, 20_000))
    presses = f"{small[2]:.0f} / {big[2]:.0f} pagedown"
    steps = [
        Step("detail", "open", "open + render", small[0], big[0]),
        Step("detail", "scroll", f"scroll to the end ({presses})", small[1], big[1]),
    ]
    if small[2] and big[2]:
        per_small, per_big = small[1] / small[2], big[1] / big[2]
        steps.append(Step("detail", "per_pagedown", "per pagedown", per_small, per_big))
    page = await median_of(repeat, lambda: queue_case(50))
    full = await median_of(repeat, lambda: queue_case(10_000))
    keys = [("fill", "fill + render"), ("down", "cursor down (per key)")]
    keys.append(("pagedown", "pagedown (per key)"))
    measured = zip(keys, page, full, strict=True)
    steps += [Step("queue", key, label, a, b) for (key, label), a, b in measured]
    return steps


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def tables(steps: list[Step]) -> str:
    def rows(section: str) -> list[list[object]]:
        return [
            [s.label, ms(s.baseline_s), ms(s.big_s), ratio(s.big_s, s.baseline_s)]
            for s in steps
            if s.section == section
        ]

    return "\n".join(
        [
            "(a) report detail: 1 subject, 60-char narrative vs 50 subjects, 20,000 chars\n",
            markdown(["step", "baseline", "big report", "ratio"], rows("detail")),
            "\n(b) queue table: 50 rows vs 10,000 rows fed directly\n",
            markdown(["step", "50 rows", "10,000 rows", "ratio"], rows("queue")),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    print(header())
    print(tables(asyncio.run(measure(repeat))))
    print(f"\nload average at the end: {load()}")


if __name__ == "__main__":
    main()
