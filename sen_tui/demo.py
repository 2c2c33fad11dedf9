"""`sen demo`: an embedded sen-server on a fresh SQLite database full of synthetic data.

The server runs as a child process started by :mod:`sen_tui.launcher`, never imported: the
client depends on the wire contract only. `sen-server demo-data --progress` builds the data
in another child and says what it has done, line by line: the database is ready, then the
accounts once the organisation exists, then the reports as they are committed. The server
is launched at the same moment as the build (both migrate the fresh database, one after the
other, and whichever comes second finds nothing to do), so that the two load side by side;
the account list shows once the organisation exists and the server answers, so people pick
an account and log in while the reports are still arriving (they reach the queues as live
events). Waiting blocks: call
:meth:`EmbeddedServer.wait_for_accounts` and :meth:`EmbeddedServer.start` from thread
workers. :meth:`EmbeddedServer.stop` is safe to call more than once and from ``finally``.
"""

import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sen_tui.config import demo_data_root
from sen_tui.launcher import (
    LOG_TAIL_CHARS,
    LaunchError,
    ServerProcess,
    end_process,
    serve_command,
    server_env,
    spawn_sen_server,
)

DEFAULT_REPORTS = 300
BUILD_SECONDS = 600.0  # the organisation exists within seconds; this bounds a hung build


class DemoError(Exception):
    """The embedded server could not be prepared or started; the message says why."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    program: str
    roles: str
    office: str


def demo_password() -> str:
    # Fresh for every run: the demo server listens on loopback, where other local users
    # could otherwise log in with a well-known password.
    return f"demo-{secrets.token_hex(4)}-{secrets.token_hex(4)}"


# The SPEC §11 table's order: the New York chain first, as a guided tour would start.
_FIRST = ("agent.nyc", "sup.nyc", "sac.nyc", "officer.nyc", "sdo.nyc", "fod.nyc", "fig.nyc")


def parse_accounts(listing: str) -> list[DemoAccount]:
    """`sen-server user list` lines: username, program, roles, office, flags."""
    accounts = []
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            accounts.append(DemoAccount(*parts[:4]))
    rank = {name: index for index, name in enumerate(_FIRST)}
    return sorted(accounts, key=lambda a: (rank.get(a.username, len(rank)), a.username))


class EmbeddedServer:
    """The demo's server, the build of its data, and its throw-away data folder, removed
    again by :meth:`stop`."""

    def __init__(self, *, reports: int = DEFAULT_REPORTS, python: str = sys.executable) -> None:
        self.reports = reports
        self.python = python
        self.password = demo_password()
        self.data_dir = Path(tempfile.mkdtemp(prefix="sen-demo-", dir=demo_data_root()))
        self.env = self._env()
        self.server = ServerProcess(
            self.env, self.data_dir, command=partial(serve_command, python=python)
        )
        self.accounts: list[DemoAccount] = []
        # The build's state, written by the thread that reads its output.
        self.reports_made = 0
        self.build_done = False
        self.build_failure: str | None = None
        self._builder: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._accounts_known = threading.Event()
        self._lock = threading.Lock()
        self._launch_failure: str | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def build_log(self) -> Path:
        return self.data_dir / "demo-data.log"

    def _env(self) -> dict[str, str]:
        # An empty database URL: SQLite in the fresh folder, never the user's own database.
        # NORMAL: throw-away data, speed over durability.
        env = server_env(self.data_dir, synchronous="NORMAL")
        env["SEN_DEMO_PASSWORD"] = self.password  # not on the command line, where ps shows it
        return env

    def begin_build(self) -> None:
        """Start building the data and return at once (again: nothing). `sen demo` calls
        it before loading Textual, so that both load side by side."""
        with self._lock:
            if self._builder is not None or self.build_done:
                return
            try:
                self._builder = spawn_sen_server(
                    self.env,
                    "demo-data",
                    "--reports",
                    str(self.reports),
                    "--progress",
                    stderr=self.build_log,
                    python=self.python,
                )
            except LaunchError as exc:
                self._finish_build(str(exc))
                return
            self._reader = threading.Thread(
                target=self._follow, args=(self._builder,), name="demo-data", daemon=True
            )
            self._reader.start()
        self._launch_server()

    def _follow(self, builder: "subprocess.Popen[str]") -> None:
        """Read the build's progress lines until it ends (runs in its own thread)."""
        listed: list[str] = []
        other: list[str] = []
        for line in builder.stdout or ():  # a pipe: spawned with stdout=PIPE
            if line.startswith("account: "):
                listed.append(line.removeprefix("account: "))
            elif line.startswith("organisation: "):
                self.accounts = parse_accounts("".join(listed))
                self._accounts_known.set()
            elif line.startswith("reports: "):
                self.reports_made = int(line.split()[1])
            else:
                other.append(line)
        code = builder.wait()
        if code == 0:
            self._finish_build(None)
            return
        printed = "".join(other) + self._log_text()
        self._finish_build(f"sen-server demo-data failed:\n{printed[-LOG_TAIL_CHARS:]}")

    def _log_text(self) -> str:
        try:
            return self.build_log.read_text(errors="replace")
        except OSError:
            return ""

    def _finish_build(self, failure: str | None) -> None:
        self.build_failure = failure
        self.build_done = True
        self._accounts_known.set()  # wakes a waiter: with the accounts, or with the failure

    def wait_for_accounts(self, timeout: float = BUILD_SECONDS) -> list[DemoAccount]:
        """Block until the organisation exists (the build goes on adding reports)."""
        self.begin_build()
        if not self._accounts_known.wait(timeout):
            raise DemoError(f"sen-server demo-data made no accounts within {timeout:.0f} s")
        if not self.accounts:
            raise DemoError(self.build_failure or "sen-server demo-data made no accounts")
        return self.accounts

    def reports_status(self) -> str:
        """One line on the reports for the screens: still arriving, all in, or stopped."""
        made, wanted = self.reports_made, self.reports
        if self.build_failure is not None:
            last = self.build_failure.strip().splitlines()[-1:] or ["no reason given"]
            return f"Adding the synthetic reports stopped at {made} of {wanted}: {last[0]}"
        if self.build_done:
            return f"All {made} synthetic reports are in."
        return (
            f"Synthetic reports still arriving ({made} of {wanted} so far): "
            "they reach the queues as they come."
        )

    def _launch_server(self) -> None:
        with self._lock:
            if self.server.process is not None or self._stopping:
                return
            try:
                self.server.launch()
            except LaunchError as exc:
                self._launch_failure = str(exc)

    def start(self) -> None:
        """Start the server unless the build has launched it already; wait until it
        answers."""
        self._launch_server()
        try:
            if self._launch_failure is not None:
                raise LaunchError(self._launch_failure)
            self.server.wait_healthy()
        except LaunchError as exc:
            self.server.stop(kill=True)
            raise DemoError(str(exc)) from exc

    def stop(self) -> None:
        with self._lock:
            self._stopping = True  # no server is launched from here on
        builder = self._builder
        if builder is not None:
            end_process(builder)
        if self._reader is not None:
            self._reader.join(timeout=5)
        self.server.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
