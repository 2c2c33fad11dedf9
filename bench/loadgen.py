"""A small closed-loop load generator in Python, for what wrk cannot do: chained requests.

``run_load`` starts ``clients`` workers, each with its own keep-alive connection (as
``wrk -c``), and each runs ``operation`` back to back for ``seconds``: an operation may be
several requests (create a report, then submit it with the version the create returned)
and counts once. Latency is measured per operation. Operations still running at the
deadline finish (each request is bounded by TIMEOUT) and their latencies count, but not
their completions: the rate is what finished within the window, as with wrk.

Why not httpx: it costs so much CPU per request that it, not the server, was the limit.
Against the bare ``GET /healthz`` on this 2-core machine (load average ~5), 32 httpx
``AsyncClient``s drove 440-700 req/s while wrk drove ~10,000; the bare durable-insert
baseline then measured the generator. This client — HTTP/1.1 over asyncio streams,
``Content-Length`` or chunked bodies, nothing else — drove 4,200-6,200 req/s in the same
conditions. bench/http_throughput.py measures its ceiling against wrk in every run.
"""

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 30.0  # per request
WARMUP_SECONDS = 1.0


class StatusError(Exception):
    """A response outside 2xx."""

    def __init__(self, method: str, path: str, status: int, body: bytes) -> None:
        super().__init__(f"{method} {path}: {status} {body[:300]!r}")
        self.status = status


class Connection:
    """One keep-alive HTTP/1.1 connection to a loopback server."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        fixed = {"Host": f"{self.host}:{self.port}", **headers}
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def request(self, method: str, path: str, payload: object = None) -> tuple[int, bytes]:
        """Send one request and read its whole response: (status, body)."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        body = b"" if payload is None else json.dumps(payload).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self._fixed}"
        if payload is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        try:
            async with asyncio.timeout(TIMEOUT):
                writer.write(head.encode() + b"\r\n" + body)
                return await self._response(reader)
        except BaseException:
            await self.close()  # a half-read response would poison the next request
            raise

    async def _response(self, reader: asyncio.StreamReader) -> tuple[int, bytes]:
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await reader.readuntil(b"\r\n"))[:-2], 16):
                body += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")
        else:
            body = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            await self.close()
        return status, body

    async def call(self, method: str, path: str, payload: object = None) -> Any:
        """A request whose answer must be 2xx; its JSON body, decoded (None if empty)."""
        status, body = await self.request(method, path, payload)
        if not 200 <= status < 300:
            raise StatusError(method, path, status, body)
        return json.loads(body) if body else None


Operation = Callable[[Connection], Awaitable[None]]


@dataclass(frozen=True)
class LoadResult:
    """What one load run gave, from wrk or from ``run_load``."""

    requests: int  # operations completed within the window (2xx only for run_load)
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def failures(self) -> int:
        return self.non_2xx + self.socket_errors


@dataclass
class _Tally:
    deadline: float
    completed: int = 0
    non_2xx: int = 0
    socket_errors: int = 0
    first_error: str = ""
    latencies: list[float] = field(default_factory=list)


async def _worker(
    base_url: str, headers: dict[str, str], operation: Operation, tally: _Tally
) -> None:
    connection = Connection(base_url, headers)
    try:
        while (began := time.perf_counter()) < tally.deadline:
            try:
                await operation(connection)
            except StatusError as exc:
                tally.non_2xx += 1
                tally.first_error = tally.first_error or str(exc)
                continue
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                tally.socket_errors += 1
                tally.first_error = tally.first_error or repr(exc)
                await asyncio.sleep(0.01)  # a refused connection must not spin the loop
                continue
            done = time.perf_counter()
            tally.latencies.append(done - began)
            if done <= tally.deadline:
                tally.completed += 1
    finally:
        await connection.close()


async def _run(
    base_url: str, operation: Operation, seconds: float, clients: int, headers: dict[str, str]
) -> LoadResult:
    tally = _Tally(deadline=time.perf_counter() + seconds)
    await asyncio.gather(*(_worker(base_url, headers, operation, tally) for _ in range(clients)))
    if tally.first_error:
        print(f"    first failure: {tally.first_error}", flush=True)
    cuts = (
        statistics.quantiles(tally.latencies, n=100, method="inclusive")
        if len(tally.latencies) > 1
        else tally.latencies * 99 or [0.0] * 99
    )
    return LoadResult(
        requests=tally.completed,
        requests_per_s=tally.completed / seconds,
        p50_ms=cuts[49] * 1000,
        p99_ms=cuts[98] * 1000,
        non_2xx=tally.non_2xx,
        socket_errors=tally.socket_errors,
    )


def run_load(
    base_url: str,
    operation: Operation,
    seconds: float,
    *,
    clients: int = 32,
    headers: dict[str, str] | None = None,
    warmup: float = WARMUP_SECONDS,
) -> LoadResult:
    """A short unrecorded run first (connections, caches), then the measured one."""
    if warmup:
        asyncio.run(_run(base_url, operation, warmup, clients, headers or {}))
    return asyncio.run(_run(base_url, operation, seconds, clients, headers or {}))
