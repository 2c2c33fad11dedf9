"""`sen demo`: an embedded sen-server on a fresh SQLite database full of synthetic data.

The server runs as a child process (``python -m sen_server.cli``), never imported: the
client depends on the wire contract only. Everything here blocks: call it from thread
workers. :meth:`EmbeddedServer.stop` is safe to call more than once and from ``finally``.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from sen_tui.config import demo_data_root

HOST = "127.0.0.1"
DEFAULT_REPORTS = 300


class DemoError(Exception):
    """The embedded server could not be prepared or started; the message says why."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    program: str
    roles: str
    office: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


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
    def __init__(self, *, reports: int = DEFAULT_REPORTS, python: str = sys.executable) -> None:
        self.reports = reports
        self.python = python
        self.password = demo_password()
        self.port = free_port()
        self.data_dir = Path(tempfile.mkdtemp(prefix="sen-demo-", dir=demo_data_root()))
        self.process: subprocess.Popen[bytes] | None = None
        self.accounts: list[DemoAccount] = []

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SEN_DATA_DIR=str(self.data_dir),
            SEN_DATABASE_URL="",  # never the user's own database
            SEN_CONFIG=str(self.data_dir / "none.toml"),  # nor their server settings file
            SEN_SQLITE_SYNCHRONOUS="NORMAL",  # throw-away data: speed over durability
            SEN_DEMO_PASSWORD=self.password,  # not on the command line, where ps shows it
        )
        return env

    def _cli(self, *args: str, timeout: float) -> str:
        try:
            # Our own interpreter and fixed arguments: nothing here comes from outside.
            done = subprocess.run(  # noqa: S603
                [self.python, "-m", "sen_server.cli", *args],
                env=self._env(),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DemoError(f"sen-server {args[0]} took longer than {timeout:.0f} s") from exc
        except OSError as exc:  # the interpreter went missing (a removed virtualenv)
            raise DemoError(f"could not run {self.python}: {exc.strerror}") from exc
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace")[-1500:]
            raise DemoError(f"sen-server {args[0]} failed:\n{tail}")
        return done.stdout.decode(errors="replace")

    def build_data(self) -> str:
        """The demo organisation and its reports; returns the server's summary line."""
        return self._cli("demo-data", "--reports", str(self.reports), timeout=600).strip()

    def load_accounts(self) -> list[DemoAccount]:
        self.accounts = parse_accounts(self._cli("user", "list", timeout=120))
        return self.accounts

    def start(self, *, timeout: float = 60) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(  # noqa: S603 (as in _cli)
                [
                    self.python,
                    "-m",
                    "sen_server.cli",
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                ],
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DemoError(f"the demo server exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)  # polling a child process we started; not a test
        raise DemoError(f"the demo server did not answer within {timeout:.0f} s")

    def log_tail(self, chars: int = 1500) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(self.data_dir, ignore_errors=True)
