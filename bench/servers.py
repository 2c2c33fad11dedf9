"""Server processes for the benchmarks: SEN and the baseline app on free loopback ports.

Starting, waiting and stopping is :mod:`sen_tui.launcher`'s, as for `sen demo` and the
tests. Every process started here is stopped by the ``running`` context manager, whatever
happens in between.
"""

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
