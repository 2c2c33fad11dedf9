"""`sen demo`: an embedded sen-server on a fresh SQLite database full of synthetic data.

The server runs as a child process started by :mod:`sen_tui.launcher`, never imported: the
client depends on the wire contract only. Everything here blocks: call it from thread
workers. :meth:`EmbeddedServer.stop` is safe to call more than once and from ``finally``.
"""

import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sen_tui.config import demo_data_root
from sen_tui.launcher import LaunchError, ServerProcess, run_sen_server, serve_command, server_env

DEFAULT_REPORTS = 300


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
    """The demo's server and its throw-away data folder, removed again by :meth:`stop`."""

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

    @property
    def url(self) -> str:
        return self.server.url

    def _env(self) -> dict[str, str]:
        # An empty database URL: SQLite in the fresh folder, never the user's own database.
        # NORMAL: throw-away data, speed over durability.
        env = server_env(self.data_dir, synchronous="NORMAL")
        env["SEN_DEMO_PASSWORD"] = self.password  # not on the command line, where ps shows it
        return env

    def _cli(self, *args: str, timeout: float) -> str:
        try:
            return run_sen_server(self.env, *args, timeout=timeout, python=self.python)
        except LaunchError as exc:
            raise DemoError(str(exc)) from exc

    def build_data(self) -> str:
        """The demo organisation and its reports; returns the server's summary line."""
        return self._cli("demo-data", "--reports", str(self.reports), timeout=600).strip()

    def load_accounts(self) -> list[DemoAccount]:
        self.accounts = parse_accounts(self._cli("user", "list", timeout=120))
        return self.accounts

    def start(self) -> None:
        try:
            self.server.start()
        except LaunchError as exc:
            raise DemoError(str(exc)) from exc

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
