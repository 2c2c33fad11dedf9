"""A logon flood against a signed-in user's requests (issue 10 item 9).

    uv run python -m bench.login_flood [--seconds 10] [--flooders 8]

A SEN server on a fresh SQLite database with the demo organisation; agent.nyc is signed in
and asks ``GET /api/v1/me`` every 50 ms. Its p50 is taken idle (the baseline, same run),
then while ``--flooders`` clients send wrong-password logons as fast as they are answered,
twice: with the per-source logon limit as shipped (the flood gets 429 after the limit) and
with the limit lifted (so that only the bounded Argon2 pool stands between the flood and
the event loop). Target: the signed-in user's p50 during the flood at most 2x idle.
"""

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.machine import header, load
from bench.servers import login, running, seed_demo
from bench.table import markdown, ratio
from sen_tui.launcher import ServerProcess, server_env

PROBE_EVERY = 0.05


def _probe(url: str, token: str, seconds: float) -> list[float]:
    samples = []
    with httpx.Client(base_url=url, timeout=30) as http:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
            time.sleep(PROBE_EVERY)
    return samples


def _flood(url: str, stop: threading.Event, statuses: Counter[int]) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        n = 0
        while not stop.is_set():
            n += 1
            answer = http.post(
                "/api/v1/auth/login", json={"username": f"guess{n}", "password": f"guess-{n}"}
            )
            statuses[answer.status_code] += 1


def measure(seconds: float, flooders: int, lift_limit: bool, work: Path) -> list[object]:
    data = work / ("lifted" if lift_limit else "shipped")
    seed_demo(data / "data")
    env = server_env(data / "data")
    if lift_limit:
        env["SEN_LOGONS_PER_MINUTE_PER_SOURCE"] = "1000000"
    with running(ServerProcess(env, data / "logs", name="sen")) as (server,):
        token = login(server.url, "agent.nyc")
        idle = _probe(server.url, token, seconds)
        stop, statuses = threading.Event(), Counter[int]()
        threads = [
            threading.Thread(target=_flood, args=(server.url, stop, statuses))
            for _ in range(flooders)
        ]
        for thread in threads:
            thread.start()
        try:
            busy = _probe(server.url, token, seconds)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    idle_p50, busy_p50 = statistics.median(idle), statistics.median(busy)
    label = "limit lifted: Argon2 pool only" if lift_limit else "per-source limit as shipped"
    return [
        label,
        f"{idle_p50:.1f}",
        f"{busy_p50:.1f}",
        ratio(busy_p50, idle_p50),
        ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items())),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--flooders", type=int, default=8)
    args = parser.parse_args()
    print(header())
    with tempfile.TemporaryDirectory(prefix="sen-bench-") as tmp:
        rows = [measure(args.seconds, args.flooders, lift, Path(tmp)) for lift in (False, True)]
    print(f"load avg at the end: {load()}")
    headers = ["case", "idle /me p50 ms", "flooded /me p50 ms", "÷ idle", "logon answers"]
    print(markdown(headers, rows))


if __name__ == "__main__":
    main()
