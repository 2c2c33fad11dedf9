"""Server settings: environment variables with the SEN_ prefix, or a TOML file.

Every path comes from platformdirs here and nowhere else.
"""

import os
from functools import cached_property
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "sen"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class ServerSettings(BaseSettings):
    """Configuration of one sen-server instance."""

    model_config = SettingsConfigDict(
        env_prefix="SEN_", toml_file=None, extra="ignore", validate_default=True
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    """Folder for the SQLite file, the audit signing key and the mail outbox."""

    database_url: str = ""
    """SQLAlchemy async URL. Empty: a SQLite file in data_dir.
    PostgreSQL: postgresql+asyncpg://user@host/db."""

    audit_key_file: Path | None = None
    """Ed25519 private key that signs audit checkpoints; kept outside the database.
    Empty: data_dir/keys/audit-signing.pem (created on first use)."""

    audit_checkpoint_every: int = 100
    """Write a signed checkpoint every N audit records (and periodically while serving)."""

    audit_checkpoint_seconds: int = 60
    """Also checkpoint the chain head at this interval while serving, if it moved."""

    audit_anchors_file: Path | None = None
    """Every signed checkpoint is also appended here (one JSON line each): keep it off the
    database host, so that cutting the chain's tail is caught (`audit verify --anchors`)."""

    lockout_threshold: int = 3
    """Failed logons within lockout_window_minutes that lock the account."""

    lockout_window_minutes: int = 15
    lockout_minutes: int = 30

    logons_per_minute_per_source: int = 60
    """Logon attempts one address may make per minute, across instances (then 429)."""

    rejected_tokens_per_minute_per_source: int = 120
    """Requests with a bad token one address may make per minute (then 429)."""

    password_max_age_days: int = 90
    """0 turns forced rotation off (NIST SP 800-63B advises against it)."""

    rules_interval_days: int = 90
    """Rules of Behavior must be acknowledged again after this many days."""

    session_idle_minutes: int = 30
    session_absolute_hours: int = 12

    max_body_bytes: int = 1024 * 1024
    """Requests larger than this are refused with 413 (SPEC §2: bodies over 1 MiB)."""

    sqlite_synchronous: str = "FULL"
    """FULL: an acknowledged write survives a power cut (ENGINEERING.md)."""

    db_pool_wait_seconds: float = 30.0
    """How long a request waits for a pooled database connection while all are busy before
    it is answered 503 (``server_busy``)."""

    outbox_retry_seconds: float = 30.0
    """First wait before an outbox message is tried again; doubles per try, at most an hour."""

    smtp_host: str = ""
    """SMTP server for IROC summaries. Empty: mail goes to the Maildir data_dir/mail-outbox."""

    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    """Never logged (a SecretStr prints as asterisks)."""

    smtp_starttls: bool = True
    """Upgrade the connection with STARTTLS before authenticating (refuse if it can't)."""

    smtp_ca_file: Path | None = None
    """CA certificate(s) that sign the SMTP server's certificate (default: the system's)."""

    smtp_from: str = "sen-iroc@example.gov"
    """Sender address of summaries; its domain names the summaries' Message-IDs."""

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'sen.db'}"

    @cached_property
    def resolved_audit_key_file(self) -> Path:
        return self.audit_key_file or self.data_dir / "keys" / "audit-signing.pem"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments, then SEN_* variables, then the TOML file named by
        # SEN_CONFIG (or sen-server.toml in the platform config folder).
        toml_path = os.environ.get("SEN_CONFIG") or str(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "sen-server.toml"
        )
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )
