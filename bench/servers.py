"""Server processes for the benchmarks: SEN and the baseline app on free loopback ports.

Everything listens on 127.0.0.1 only, and every process started here is stopped by the
``running`` context manager, whatever happens in between.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
# Synthetic demo accounts only; strong enough for SEN's password rules.
DEMO_PASSWORD = "bench-demo-pass-2026"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def sen_env(data_dir: Path, database_url: str = "", synchronous: str = "FULL") -> dict[str, str]:
    """Environment for `python -m sen_server.cli`: one data dir, one database."""
    env = dict(os.environ)
    env.update(
        SEN_DATA_DIR=str(data_dir),
        SEN_DATABASE_URL=database_url,
        SEN_SQLITE_SYNCHRONOUS=synchronous,
        # Never pick up a developer's own sen-server.toml.
        SEN_CONFIG="/nonexistent",
    )
    return env


def sen_cli(env: dict[str, str], *args: str, check: bool = True) -> tuple[int, str]:
    """Run one `sen-server` command: (exit code, what it printed)."""
    done = subprocess.run(
        [sys.executable, "-m", "sen_server.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = (done.stdout + done.stderr).strip()
    if check and done.returncode != 0:
        raise RuntimeError(f"sen-server {' '.join(args)} failed:\n{output}")
    return done.returncode, output


def seed_demo(data_dir: Path, database_url: str = "", reports: int = 0) -> None:
    # Seeding at NORMAL saves time; the server under test then runs at its FULL default
    # (synchronous is set per connection, so the file itself carries no setting).
    env = sen_env(data_dir, database_url, synchronous="NORMAL")
    sen_cli(env, "demo-data", "--password", DEMO_PASSWORD, "--reports", str(reports))


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy after {STARTUP_SECONDS} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""


def _start(name: str, argv: list[str], env: dict[str, str], log_dir: Path, port: int) -> Server:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}-{port}.log"
    # The server's log goes to a file: SEN logs every request, and a terminal would be a
    # bottleneck that the benchmark would then measure.
    with log_path.open("ab") as log:
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Server(name, port, process, log_path)


def baseline_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.baseline_app:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def sen_command(port: int) -> list[str]:
    return [sys.executable, "-m", "sen_server.cli", "serve", "--host", HOST, "--port", str(port)]


@dataclass(frozen=True)
class ServerSpec:
    name: str
    command: Callable[[int], list[str]]  # argv for a given port
    env: dict[str, str]


@contextmanager
def running(*specs: ServerSpec, log_dir: Path) -> Iterator[list[Server]]:
    """Start each server on a free loopback port, wait until healthy, always stop them."""
    servers: list[Server] = []
    try:
        for spec in specs:
            port = free_port()
            servers.append(_start(spec.name, spec.command(port), spec.env, log_dir, port))
        for server in servers:
            server.wait_healthy()
        yield servers
    finally:
        for server in servers:
            server.stop()


def login(base_url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """Log in, acknowledge the Rules of Behavior if owed, and return the bearer token."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        response.raise_for_status()
        token = str(response.json()["token"])
        if response.json()["must_acknowledge_rules"]:
            ack = client.post(
                "/api/v1/auth/rules-acknowledgment",
                json={"version": "2026-1"},
                headers={"Authorization": f"Bearer {token}"},
            )
            ack.raise_for_status()
    return token
