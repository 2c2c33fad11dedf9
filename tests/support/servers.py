"""sen-server as a real process for the tests, through the launcher that `sen demo` and
the benchmarks use too."""

from sen_server.settings import ServerSettings
from sen_tui import launcher
from sen_tui.launcher import free_port

__all__ = ["ServerProcess", "free_port"]


class ServerProcess(launcher.ServerProcess):
    """`sen-server serve` on the data folder and database of ``settings``, on a free
    loopback port unless given one; its log is kept in the data folder, where tests read
    it (and the privacy canaries scan it). ``env`` adds settings as SEN_* variables."""

    def __init__(
        self, settings: ServerSettings, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        server_env = launcher.server_env(
            settings.data_dir, settings.database_url, settings.sqlite_synchronous
        )
        super().__init__({**server_env, **(env or {})}, settings.data_dir, port=port)
        self.settings = settings
