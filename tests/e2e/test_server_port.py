"""A server started on a port picked for it comes up even if another process takes that
port between the pick and the bind (test workers, other programs on the machine); a port
that was given is kept, and a clash on it is reported."""

import socket

import httpx
import pytest

from sen_server.settings import ServerSettings
from sen_tui.launcher import HOST, PORT_TAKEN, LaunchError, free_port
from tests.support.servers import ServerProcess


def _squat(port: int) -> socket.socket:
    squatter = socket.socket()
    squatter.bind((HOST, port))
    squatter.listen()
    return squatter


def test_a_picked_port_taken_before_the_server_binds_it_is_traded_for_a_free_one(
    sqlite_settings: ServerSettings,
) -> None:
    server = ServerProcess(sqlite_settings)
    taken = server.port
    first_log = server.log_path
    with _squat(taken):
        server.start()
        try:
            assert server.port != taken
            assert httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200
            assert PORT_TAKEN in first_log.read_text()
        finally:
            server.stop()


def test_a_given_port_that_is_taken_is_reported_not_traded(
    sqlite_settings: ServerSettings,
) -> None:
    port = free_port()
    with _squat(port):
        server = ServerProcess(sqlite_settings, port)
        with pytest.raises(LaunchError, match=PORT_TAKEN):
            server.start()
        assert server.port == port
