"""Client settings: ``SEN_*`` environment variables or a TOML file, and every path the
client uses (all from platformdirs, here and nowhere else)."""

import os
import tempfile
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "sen"
DEFAULT_SERVER_URL = "http://127.0.0.1:8470"  # `sen-server serve`'s default


def config_file() -> Path:
    """The client's TOML file: SEN_CLIENT_CONFIG, or sen.toml in the platform config folder.

    Not SEN_CONFIG: that one names the server's file, and both may live on one machine.
    """
    explicit = os.environ.get("SEN_CLIENT_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "sen.toml"


def demo_data_root() -> Path:
    """Where `sen demo` makes its throw-away server data folders."""
    return Path(tempfile.gettempdir())


class ClientSettings(BaseSettings):
    """How the terminal client reaches and talks to a SEN server."""

    model_config = SettingsConfigDict(env_prefix="SEN_", extra="ignore")

    server_url: str = DEFAULT_SERVER_URL
    """Base URL of the SEN server. Plain http:// is accepted only for loopback addresses."""

    allow_insecure_http: bool = False
    """Accept plain http:// to a non-loopback server. Tokens and report content then cross
    the network unencrypted: only for closed test networks."""

    ca_file: Path | None = None
    """PEM bundle of the certificate authorities to trust instead of the system's."""

    server_label: str = ""
    """A name for the server shown in the title bar instead of its URL (e.g. "Training")."""

    request_timeout_seconds: float = Field(default=15.0, gt=0)
    """How long one API call may take before the client reports the server unreachable."""

    event_read_timeout_seconds: float = Field(default=20.0, gt=15)
    """Silence on the live event stream after which the client says it is reconnecting.
    The server sends something at least every 15 s (a heartbeat when there is nothing
    else), so 5 s above that tells a frozen or cut-off server from a quiet one."""

    idle_lock_seconds: int | None = Field(default=None, ge=5)
    """Lock the screen after this much inactivity. Empty: the server's idle timeout."""

    autosave_seconds: int = Field(default=60, ge=5)
    """Save the draft being edited this often when it has unsaved changes."""

    page_size: int = Field(default=50, ge=5, le=500)
    """Rows fetched per page of a queue."""

    use_keyring: bool = True
    """Keep the session token in the OS keyring so it outlives the program. Off: memory."""

    keyring_service: str = "sen"
    """Service name under which tokens are stored in the keyring."""

    cursor_blink: bool = True
    """Blink the text cursor (off for screen readers, recordings and snapshot tests)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: command-line arguments, then SEN_* variables, then the TOML file.
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )

    @property
    def display_server(self) -> str:
        return self.server_label or self.server_url
