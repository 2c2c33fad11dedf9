"""Server processes for the benchmarks: SEN and the baseline app on free loopback ports.

Starting, waiting and stopping is :mod:`sen_tui.launcher`'s, as for `sen demo` and the
tests. Every process started here is stopped by the ``running`` context manager, whatever
happens in between.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from sen_tui.launcher import HOST, ServerProcess, run_sen_server, server_env

# Synthetic demo accounts only; strong enough for SEN's password rules.
DEMO_PASSWORD = "bench-demo-pass-2026"
SEED_SECONDS = 300


def seed_demo(data_dir: Path, database_url: str = "", reports: int = 0) -> None:
    # Seeding at NORMAL saves time; the server under test then runs at its FULL default
    # (synchronous is set per connection, so the file itself carries no setting).
    env = server_env(data_dir, database_url, synchronous="NORMAL")
    args = ("demo-data", "--password", DEMO_PASSWORD, "--reports", str(reports))
    run_sen_server(env, *args, timeout=SEED_SECONDS)


def baseline_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench.baseline_app:create_app",
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


@contextmanager
def running(*servers: ServerProcess) -> Iterator[list[ServerProcess]]:
    """Start every server (all at once: each spends seconds importing), wait until each is
    healthy, and always stop them."""
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_healthy()
        yield list(servers)
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


def _pid(server: ServerProcess) -> int:
    if server.process is None:
        raise RuntimeError(f"{server.name} is not running")
    return server.process.pid


def cpu_seconds(server: ServerProcess) -> float:
    """CPU time the server process has used so far (user + system)."""
    stat = Path(f"/proc/{_pid(server)}/stat").read_text()
    fields = stat[stat.rfind(")") + 2 :].split()  # the name in brackets may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(server: ServerProcess) -> int:
    """Resident memory of the server process itself (VmRSS). ServerProcess starts the
    interpreter directly (no `uv run` wrapper in between), and `sen-server serve` runs one
    uvicorn process, so this pid is the process that holds the streams."""
    status = Path(f"/proc/{_pid(server)}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # the kernel reports kB (KiB)
    raise RuntimeError(f"no VmRSS for {server.name} (pid {_pid(server)})")
