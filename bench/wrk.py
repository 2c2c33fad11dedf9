"""Running wrk and reading its summary."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench.loadgen import LoadResult

SCRIPTS = Path(__file__).parent / "wrk_scripts"
# Long enough that a slow response is measured instead of dropped as a wrk timeout
# (wrk leaves timed-out requests out of its latency figures).
TIMEOUT = "10s"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit(
            "wrk is not installed: this benchmark drives the servers with it.\n"
            "Install it with `apt-get install -y wrk` (Debian/Ubuntu) and run again."
        )
    return path


def run_wrk(
    url: str,
    seconds: int,
    *,
    connections: int = 32,
    script: str | None = None,
    env: dict[str, str] | None = None,
) -> LoadResult:
    argv = [require_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", TIMEOUT]
    argv += ["--latency"]
    if script:
        argv += ["-s", str(SCRIPTS / script)]
    done = subprocess.run(
        [*argv, url],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse(done.stdout)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse(output: str) -> LoadResult:
    def find(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            return match[1]
        if default is None:
            raise ValueError(f"wrk output has no {pattern!r}:\n{output}")
        return default

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return LoadResult(
        requests=int(find(r"(\d+) requests in")),
        requests_per_s=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(find(r"^\s*50%\s+(\S+)\s*$")),
        p99_ms=_ms(find(r"^\s*99%\s+(\S+)\s*$")),
        non_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )
