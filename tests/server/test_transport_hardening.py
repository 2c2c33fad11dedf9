"""What a local user or a prober finds on the outside of a running server (SPEC §9, §10):
the database and its write-ahead log readable by the server's account only, security
headers on every answer, no server banner, no documentation page that loads outside
scripts."""

import asyncio
import contextlib
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sen_server.app import create_app
from sen_server.http.protocol import HEADER_SECONDS
from sen_server.migrate import upgrade_async
from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.databases import server_settings
from tests.support.demo import seed_demo


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_database_and_its_log_are_private_to_the_server_account(
    tmp_path: Path, start_server: Any
) -> None:
    settings = server_settings(tmp_path)
    await upgrade_async(settings)
    await seed_demo(settings)
    server = start_server(settings)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        headers = await login(http, "agent.nyc")  # a write: the WAL exists now
        assert (await http.get("/api/v1/me", headers=headers)).status_code == 200
        data = settings.data_dir
        assert mode(data) == 0o700
        for name in ("sen.db", "sen.db-wal", "sen.db-shm"):
            assert (data / name).exists(), name
            assert mode(data / name) == 0o600, f"{name} is {oct(mode(data / name))}"


async def test_an_existing_world_readable_database_is_closed_up_at_start(tmp_path: Path) -> None:
    settings = server_settings(tmp_path)
    settings.data_dir.mkdir(mode=0o755)
    await upgrade_async(settings)
    (settings.data_dir / "sen.db").chmod(0o644)
    settings.data_dir.chmod(0o755)
    await upgrade_async(settings)
    assert mode(settings.data_dir) == 0o700
    assert mode(settings.data_dir / "sen.db") == 0o600


async def test_answers_carry_security_headers_and_no_banner(
    sqlite_settings: ServerSettings, start_server: Any
) -> None:
    await seed_demo(sqlite_settings)
    server = start_server(sqlite_settings)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        headers = await login(http, "agent.nyc")
        answers = [
            await http.get("/api/v1/reports", headers=headers),
            await http.get("/api/v1/reports/NOPE-1", headers=headers),  # an error too
            await http.get("/api/v1/me"),  # unauthenticated
        ]
    for answer in answers:
        assert answer.headers["cache-control"] == "no-store", answer.request.url
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "server" not in answer.headers, answer.headers.get("server")
        assert "strict-transport-security" not in answer.headers  # plain HTTP: meaningless


@pytest.mark.parametrize("scheme, hsts", [("https", True), ("http", False)])
async def test_hsts_only_when_serving_tls(
    sqlite_settings: ServerSettings, scheme: str, hsts: bool
) -> None:
    app = create_app(sqlite_settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url=f"{scheme}://sen.example") as http,
    ):
        answer = await http.get("/healthz")
    assert ("strict-transport-security" in answer.headers) is hsts


async def test_the_api_documentation_loads_nothing_from_outside(
    sqlite_settings: ServerSettings,
) -> None:
    app = create_app(sqlite_settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://sen.example") as http,
    ):
        assert (await http.get("/schema/openapi.json")).status_code == 200
        for page in ("/schema", "/schema/swagger", "/schema/redoc", "/schema/elements"):
            answer = await http.get(page)
            assert "<script" not in answer.text, page


async def test_request_heads_are_bounded_in_size_and_in_time(
    sqlite_settings: ServerSettings, start_server: Any
) -> None:
    """32 MiB of headers used to be accepted, and a connection that never finished its
    headers was held open forever; now both are cut off, and ordinary requests still work."""
    server = start_server(sqlite_settings)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: sen\r\n")
    refused = False
    try:
        for _ in range(32):
            writer.write(b"X-Padding: " + b"a" * (1024 * 1024) + b"\r\n")
            await writer.drain()
        writer.write(b"\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(100), 10)
        refused = not answer.startswith(b"HTTP/1.1 200")
    except ConnectionError:
        refused = True
    finally:
        writer.close()
    assert refused, "a 32 MiB request head was answered"

    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: sen\r\n")  # ...and never the blank line
    await writer.drain()
    closed = await asyncio.wait_for(reader.read(), HEADER_SECONDS + 5)
    assert closed == b"" and time.monotonic() - started < HEADER_SECONDS + 5
    writer.close()

    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        assert (await http.get("/healthz")).status_code == 200


async def test_a_body_sent_in_chunks_is_cut_off_at_the_limit(
    sqlite_settings: ServerSettings, start_server: Any
) -> None:
    """A body sent in chunks declares no length: it was read to its end before any answer
    (200 MB took the server's memory up by 280 MB, then a 400). Now the answer is a 413 as
    soon as the body passes 1 MiB, while the client is still sending."""
    server = start_server(sqlite_settings)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: sen\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"a" * 65536
    sent = 0

    async def send_16_mebibytes() -> None:
        nonlocal sent
        with contextlib.suppress(ConnectionError):
            for _ in range(256):
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                sent += len(chunk)
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    sending = asyncio.create_task(send_16_mebibytes())
    try:
        answer = await asyncio.wait_for(reader.read(200), 30)
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        writer.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert sent < 8 * 1024 * 1024, f"{sent} bytes were taken before the answer"
