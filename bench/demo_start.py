"""`sen demo` from launch to the account list, as a new user starts it, in one run with
its baselines.

    uv run python -m bench.demo_start [--repeat 3] [--reports 300] [--project DIR]

Cases, each ``--repeat`` times (the table gives the median, and the range):

- baseline: ``uv run python -c pass`` (uv's own start-up and an interpreter);
- baseline: ``sen-server serve`` on an empty database, from launch to ``/healthz``;
- ``uv run sen demo`` in an 80x24 tmux window: seconds until "choose an account" is on the
  screen, and until every report is in (the account screen says so);
- ``uv run sen-server demo-data --reports N`` alone, on a fresh folder.

``--project`` runs the same commands in another checkout (for a before/after comparison:
``git archive <commit> | tar -x -C DIR`` and ``uv sync`` there). Needs tmux. Every tmux
session and server started here is stopped in ``finally``; data lives in temporary folders.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.machine import header, load
from bench.table import markdown, ratio
from sen_tui.launcher import ServerProcess, server_env

HERE = Path(__file__).resolve().parents[1]
LIMIT_SECONDS = 180.0
PASSWORD = "bench-demo-pass-2026"


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=600)
    return time.monotonic() - started


def serve_empty(project: Path) -> float:
    data = Path(tempfile.mkdtemp(prefix="sen-bench-serve-"))
    python = str(project / ".venv" / "bin" / "python")
    server = ServerProcess(
        server_env(data),
        data,
        command=lambda port: [python, "-m", "sen_server.cli", "serve", "--port", str(port)],
    )
    try:
        started = time.monotonic()
        server.start()
        return time.monotonic() - started
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def demo_data(project: Path, reports: int) -> float:
    data = Path(tempfile.mkdtemp(prefix="sen-bench-demo-"))
    env = server_env(data, synchronous="NORMAL") | {"SEN_DEMO_PASSWORD": PASSWORD}
    try:
        command = ["uv", "run", "sen-server", "demo-data", "--reports", str(reports)]
        return timed(command, project, env)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def tmux(*args: str) -> str:
    done = subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=False, env=os.environ | {"TMUX": ""}
    )
    return done.stdout


def sen_demo(project: Path, reports: int) -> tuple[float, float | None]:
    """(seconds to the account list, seconds until every report is in or None)."""
    name = f"sen-bench-{uuid.uuid4().hex[:8]}"
    command = f"uv run sen demo --reports {reports}"
    started = time.monotonic()
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(project), command)
    try:
        listed = wait_for(name, lambda s: "choose an account" in s) - started
        try:
            complete = wait_for(name, lambda s: "reports are in" in s, 60) - started
        except TimeoutError:
            complete = None  # a client that does not say (the one before this benchmark)
        return listed, complete
    finally:
        tmux("send-keys", "-t", name, "C-q")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and name in tmux("list-sessions", "-F", "#S"):
            time.sleep(0.2)  # waiting for a process we started to exit, with a deadline
        tmux("kill-session", "-t", name)


def wait_for(name: str, seen: Callable[[str], bool], limit: float = LIMIT_SECONDS) -> float:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if seen(tmux("capture-pane", "-p", "-t", name)):
            return time.monotonic()
        time.sleep(0.05)  # polling another process's screen, with a deadline
    raise TimeoutError(tmux("capture-pane", "-p", "-t", name))


@dataclass(frozen=True)
class Timing:
    key: str  # python_pass, serve, listed, complete, build: what bench/__main__.py reads
    label: str
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def summary(self) -> str:
        return f"{self.median:.2f} ({min(self.samples):.2f}-{max(self.samples):.2f})"


def measure(project: Path = HERE, repeat: int = 3, reports: int = 300) -> list[Timing]:
    """Every case ``repeat`` times, interleaved (so that a burst of load hits them all)."""
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed (apt-get install -y tmux)")
    python_pass: list[float] = []
    serve: list[float] = []
    listed: list[float] = []
    complete: list[float] = []
    build: list[float] = []
    for _ in range(repeat):
        python_pass.append(timed(["uv", "run", "python", "-c", "pass"], project))
        serve.append(serve_empty(project))
        shown, done = sen_demo(project, reports)
        listed.append(shown)
        if done is not None:
            complete.append(done)
        build.append(demo_data(project, reports))
    timings = [
        Timing("python_pass", "`uv run python -c pass` (baseline)", tuple(python_pass)),
        Timing("serve", "`sen-server serve`, empty database, to /healthz (baseline)", tuple(serve)),
        Timing("listed", "`uv run sen demo` → account list", tuple(listed)),
    ]
    if complete:
        timings.append(Timing("complete", "`uv run sen demo` → all reports in", tuple(complete)))
    build_label = f"`uv run sen-server demo-data --reports {reports}`"
    timings.append(Timing("build", build_label, tuple(build)))
    return timings


def table(timings: list[Timing]) -> str:
    by_key = {t.key: t.median for t in timings}
    base, served = by_key["python_pass"], by_key["serve"]
    rows = [[t.label, t.summary(), ratio(t.median, base), ratio(t.median, served)] for t in timings]
    headers = ["case", "seconds: median (min-max)", "÷ python -c pass", "÷ serve"]
    return markdown(headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--project", type=Path, default=HERE)
    args = parser.parse_args()
    project: Path = args.project.resolve()
    print(header(), f"— project {project}")
    before = load()
    print(table(measure(project, args.repeat, args.reports)))
    print(f"load avg (1/5 min) before {before}, after {load()}; {args.repeat} runs each")


if __name__ == "__main__":
    main()
