"""Serving over TLS (SPEC §10): `sen-server serve --ssl-certfile/--ssl-keyfile` answers over
HTTPS with HSTS, the client trusts a private CA given with --ca-file, and without it says
what is wrong (the certificate is not trusted, and which option fixes it) instead of
calling the server unreachable."""

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sen_server.settings import ServerSettings
from sen_tui.api import SenClient, ServerUnreachable
from sen_tui.config import ClientSettings
from sen_tui.launcher import HOST, end_process, free_port, server_env

pytestmark = [pytest.mark.slow]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made by openssl, as an agency's own CA would issue."""
    cert, key = folder / "server.pem", folder / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=sen-test", "-addext", f"subjectAltName=IP:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https_server(sqlite_settings: ServerSettings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = self_signed(tmp_path)
    port = free_port()
    env = server_env(sqlite_settings.data_dir, "", "NORMAL")
    process = subprocess.Popen(
        [sys.executable, "-m", "sen_server.cli", "serve", "--host", HOST, "--port", str(port),
         "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"https://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(
                        f"{url}/healthz",
                        verify=ssl.create_default_context(cafile=str(cert)),
                        timeout=1,
                    ).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)  # polling a child process we started, with a deadline
        yield url, cert
    finally:
        end_process(process)


async def test_https_with_a_private_ca(https_server: tuple[str, Path]) -> None:
    url, cert = https_server
    trusted = SenClient(ClientSettings(server_url=url, ca_file=cert))
    try:
        notice = await trusted.notice()
    finally:
        await trusted.aclose()
    assert "Government" in notice.text
    tls = ssl.create_default_context(cafile=str(cert))
    async with httpx.AsyncClient(verify=tls, timeout=10) as http:
        answer = await http.get(f"{url}/healthz")
    assert answer.headers["strict-transport-security"].startswith("max-age=")


async def test_an_untrusted_certificate_is_named_with_the_fix(
    https_server: tuple[str, Path],
) -> None:
    url, _ = https_server
    untrusting = SenClient(ClientSettings(server_url=url))
    try:
        with pytest.raises(ServerUnreachable) as failure:
            await untrusting.notice()
    finally:
        await untrusting.aclose()
    message = str(failure.value)
    assert "does not trust" in message and "--ca-file" in message
    assert "unreachable" not in message
