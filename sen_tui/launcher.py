"""Run sen-server as a real process: start it on a loopback port, wait until ``/healthz``
answers, stop it (gently, or with SIGKILL to play a crash), start it again on the same port.

One launcher for `sen demo`, the tests and the benchmarks. The server is a child process
(``python -m sen_server.cli``), never imported: the client depends on the wire contract
only, and an import-linter contract holds it to that. Everything here blocks: the demo
calls it from thread workers.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

HOST = "127.0.0.1"
# How uvicorn says that it could not bind its port (errno EADDRINUSE).
PORT_TAKEN = "address already in use"
PORT_MOVES = 3  # new ports tried when the one picked was taken before the server bound it
START_SECONDS = 60.0  # generous: migrations run first, on machines with two busy cores
# The server gives open event streams 5 s to finish (cli.py); past this, SIGKILL.
STOP_SECONDS = 10.0
LOG_TAIL_CHARS = 1500


class LaunchError(RuntimeError):
    """The server (or a sen-server command) could not run, exited, or never answered; the
    message says why and ends with what it printed last."""


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, database_url: str = "", synchronous: str = "FULL") -> dict[str, str]:
    """The environment of a sen-server child: this data folder and this database only.

    An empty ``database_url`` means SQLite in ``data_dir``. ``SEN_CONFIG`` names a file
    that does not exist, so a developer's own sen-server.toml never leaks in.
    """
    env = dict(os.environ)
    env.update(
        SEN_DATA_DIR=str(data_dir),
        SEN_DATABASE_URL=database_url,
        SEN_SQLITE_SYNCHRONOUS=synchronous,
        SEN_CONFIG=str(data_dir / "no-sen-server.toml"),
    )
    return env


def serve_command(port: int, python: str = sys.executable) -> list[str]:
    """argv of `sen-server serve` on ``port`` of the loopback interface."""
    return [python, "-m", "sen_server.cli", "serve", "--host", HOST, "--port", str(port)]


def run_sen_server(
    env: dict[str, str], *args: str, timeout: float, python: str = sys.executable
) -> str:
    """Run one `sen-server` command to its end and return what it printed on stdout."""
    command = f"sen-server {args[0]}" if args else "sen-server"
    try:
        # Our own interpreter and fixed arguments: nothing here comes from outside.
        done = subprocess.run(  # noqa: S603
            [python, "-m", "sen_server.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LaunchError(f"{command} took longer than {timeout:.0f} s") from exc
    except OSError as exc:  # the interpreter went missing (a removed virtualenv)
        raise LaunchError(f"could not run {python}: {exc.strerror}") from exc
    if done.returncode != 0:
        printed = done.stdout + done.stderr  # a verdict on stdout, a traceback on stderr
        raise LaunchError(f"{command} failed:\n{printed[-LOG_TAIL_CHARS:]}")
    return done.stdout


def spawn_sen_server(
    env: dict[str, str], *args: str, stderr: Path, python: str = sys.executable
) -> "subprocess.Popen[str]":
    """Start one `sen-server` command and return at once, its stdout a pipe of text lines
    for the caller to read as they come (`demo-data --progress`); stderr goes to the file
    ``stderr``. The caller waits for it, or stops it with :func:`end_process`."""
    stderr.parent.mkdir(parents=True, exist_ok=True)
    with stderr.open("ab") as errors:
        try:
            # Our own interpreter and fixed arguments: nothing here comes from outside.
            return subprocess.Popen(  # noqa: S603
                [python, "-m", "sen_server.cli", *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=errors,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
                bufsize=1,
            )
        except OSError as exc:  # the interpreter went missing (a removed virtualenv)
            raise LaunchError(f"could not run {python}: {exc.strerror}") from exc


def end_process(process: "subprocess.Popen[str] | subprocess.Popen[bytes]") -> None:
    """SIGTERM, then SIGKILL after STOP_SECONDS; safe on a process that has exited."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_SECONDS)


class ServerProcess:
    """A server as a child process on a fixed loopback port.

    ``command`` turns the port into the argv (`sen-server serve` unless told otherwise: the
    benchmarks also run a baseline app). Output goes to ``log_dir/<name>-<port>.log``,
    appended across restarts: SEN logs every request, and a pipe nobody reads would stall
    it, while a terminal would slow down what a benchmark measures.
    """

    def __init__(
        self,
        env: dict[str, str],
        log_dir: Path,
        *,
        port: int | None = None,
        name: str = "sen-server",
        command: Callable[[int], list[str]] = serve_command,
    ) -> None:
        self.env = env
        self.log_dir = log_dir
        self.port = port or free_port()
        self.name = name
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None
        # A port picked here was free when picked, not when the server binds it (seconds
        # later): another process may take it meanwhile. Until the server has answered
        # once, such a port may be traded for another; a port given, or one clients know
        # already, never is.
        self._port_movable = port is None
        self._moves_left = PORT_MOVES
        self._log_offset = 0  # where this launch's output starts in the log

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self.port}.log"

    def launch(self) -> None:
        """Start the process and return at once; :meth:`wait_healthy` waits for it."""
        argv = self.command(self.port)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._log_offset = log.tell()
            try:
                # Our own argv: the interpreter and fixed arguments.
                self.process = subprocess.Popen(  # noqa: S603
                    argv,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            except OSError as exc:
                raise LaunchError(f"could not run {argv[0]}: {exc.strerror}") from exc

    def wait_healthy(self, timeout: float = START_SECONDS) -> None:
        """Return once ``/healthz`` answers 200; raise LaunchError if the process exits first
        or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                if self._port_was_taken():
                    self._moves_left -= 1
                    self.port = free_port()
                    self.launch()
                    continue
                raise LaunchError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    self._port_movable = False
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling a child process we started; not a test
        raise LaunchError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def start(self, timeout: float = START_SECONDS) -> None:
        """Launch and wait until healthy; a server that never gets there is stopped again."""
        self.launch()
        try:
            self.wait_healthy(timeout)
        except LaunchError:
            self.stop(kill=True)
            raise

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL with ``kill``, to play a crash) and wait for the exit. Safe
        to call more than once, from ``finally``; :meth:`start` may follow (same port)."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)

    def _port_was_taken(self) -> bool:
        """Whether the process just ended because its port was in use, on a port it may
        leave."""
        if not self._port_movable or self._moves_left <= 0:
            return False
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                output = log.read().decode(errors="replace")
        except OSError:
            return False
        return PORT_TAKEN in output

    def log_text(self) -> str:
        """Everything the process printed, across restarts."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        return self.log_text()[-chars:]
