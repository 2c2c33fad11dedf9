"""The terminal client as a watch officer starts it: launch to the login screen, login to
the first queue on screen, and the client's memory once it is there.

    uv run python -m bench.client_start [--repeat 3] [--reports 300]

A SEN server on a fresh SQLite database with the demo organisation and ``--reports``
reports; ``iroc.watch`` has acknowledged the rules beforehand (as on every day but the
first). In an 80x24 tmux window, ``uv run sen --server …``:

- cold start: launch → the login form on screen; baseline ``uv run python -c pass``;
- login → first queue paint: Enter pressed on the password → the queue's status line
  ("… of … · page 1") on screen; baseline: the same three requests the client makes
  before it can paint (login, ``/me``, the first queue page) sent by ``httpx`` alone, so
  the ratio is what the client adds to the server's own time;
- client RSS with the queue on screen (the ``sen`` process, not ``uv``); baseline: a bare
  Textual app showing one line, started the same way.

Every tmux session and server started here is stopped in ``finally``.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.demo_start import timed, tmux, wait_for
from bench.machine import header, load
from bench.servers import DEMO_PASSWORD, login, running, seed_demo
from bench.table import markdown, ratio
from sen_tui.launcher import ServerProcess, server_env

HERE = Path(__file__).resolve().parents[1]
USER = "iroc.watch"
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('bare app ready')\n"
    "Bare().run()\n"
)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the parent's pid
            found.append(int(stat.parent.name))
    return found


def python_rss_mb(session: str) -> float:
    """The resident memory of the Python process under the tmux pane (below ``uv``)."""
    todo = [int(tmux("display", "-p", "-t", session, "#{pane_pid}").strip())]
    best = 0.0
    while todo:
        pid = todo.pop()
        todo += _children(pid)
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"python" in cmdline:
            kb = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
            best = max(best, kb / 1024)
    return best


def _session(command: str) -> str:
    name = f"sen-bench-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(HERE), command)
    return name


def _stop(name: str) -> None:
    tmux("send-keys", "-t", name, "C-q")
    time.sleep(0.5)  # let it quit as a user would; then make sure
    tmux("kill-session", "-t", name)


@dataclass
class Run:
    cold: float
    to_queue: float
    rss_mb: float


def client_run(url: str) -> Run:
    started = time.monotonic()
    name = _session(f"uv run sen --server {url}")
    try:
        cold = wait_for(name, lambda s: "Password" in s and "Log in" in s, 60) - started
        tmux("send-keys", "-t", name, "-l", USER)
        tmux("send-keys", "-t", name, "Tab")
        tmux("send-keys", "-t", name, "-l", DEMO_PASSWORD)
        time.sleep(0.3)  # the keys are typed before Enter, as a person's would be
        pressed = time.monotonic()
        tmux("send-keys", "-t", name, "Enter")
        painted = wait_for(name, _queue_painted, 60)
        return Run(cold, painted - pressed, python_rss_mb(name))
    finally:
        _stop(name)


def _queue_painted(screen: str) -> bool:
    return " of " in screen and "page 1" in screen


def bare_rss() -> float:
    script = Path(tempfile.mkdtemp(prefix="sen-bench-bare-")) / "bare.py"
    script.write_text(BARE_APP)
    name = _session(f"uv run python {script}")
    try:
        wait_for(name, lambda s: "bare app ready" in s, 60)
        return python_rss_mb(name)
    finally:
        _stop(name)


def requests_alone(url: str) -> float:
    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.post(
            "/api/v1/auth/login", json={"username": USER, "password": DEMO_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {response.json()['token']}"}
        client.get("/api/v1/me", headers=headers).raise_for_status()
        client.get("/api/v1/queues/mine", headers=headers).raise_for_status()
    return time.monotonic() - started


def python_pass() -> float:
    return timed(["uv", "run", "python", "-c", "pass"], HERE)


@dataclass(frozen=True)
class Figure:
    key: str  # cold, login, rss: what bench/__main__.py reads
    label: str
    sen: tuple[float, ...]
    baseline_label: str
    baseline: tuple[float, ...]
    unit: str

    def median(self) -> float:
        return statistics.median(self.sen)

    def base_median(self) -> float:
        return statistics.median(self.baseline)


def measure(repeat: int = 3, reports: int = 300) -> list[Figure]:
    data = Path(tempfile.mkdtemp(prefix="sen-bench-client-"))
    seed_demo(data, reports=reports)
    server = ServerProcess(server_env(data), data)
    runs: list[Run] = []
    alone: list[float] = []
    passes: list[float] = []
    bare: list[float] = []
    with running(server):
        login(server.url, USER)  # the rules acknowledged, as on every day but the first
        for _ in range(repeat):
            passes.append(python_pass())
            runs.append(client_run(server.url))
            alone.append(requests_alone(server.url))
            bare.append(bare_rss())
    return [
        Figure(
            "cold",
            "`uv run sen` → login form, 80x24 tmux",
            tuple(r.cold for r in runs),
            "`uv run python -c pass`",
            tuple(passes),
            "s",
        ),
        Figure(
            "login",
            "login (Enter) → first queue painted",
            tuple(r.to_queue for r in runs),
            "login + /me + first queue page by httpx alone",
            tuple(alone),
            "s",
        ),
        Figure(
            "rss",
            "client RSS with the queue on screen",
            tuple(r.rss_mb for r in runs),
            "bare Textual app showing one line",
            tuple(bare),
            "MB",
        ),
    ]


def table(figures: list[Figure]) -> str:
    rows = [
        [
            f.label,
            f"{f.median():.2f} {f.unit}",
            f.baseline_label,
            f"{f.base_median():.2f} {f.unit}",
            ratio(f.median(), f.base_median()),
        ]
        for f in figures
    ]
    return markdown(["case", "SEN (median)", "baseline", "baseline (median)", "ratio"], rows)


def main(argv: list[str] | None = None, report: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reports", type=int, default=300)
    args = parser.parse_args(argv)
    report(header())
    before = load()
    report(table(measure(args.repeat, args.reports)))
    report(f"load avg (1/5 min) before {before}, after {load()}; {args.repeat} runs each")


if __name__ == "__main__":
    main(sys.argv[1:])
