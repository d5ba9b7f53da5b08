"""The one place that reads the environment."""

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
BUILD_DIR = PROJECT_ROOT / "build"
NODE_MODULES_DIR = PROJECT_ROOT / "node_modules"


class Environment(StrEnum):
    """Where the service runs; production refuses insecure defaults."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


def normalise_database_url(url: str) -> str:
    """Pick the async driver for a plain SQLite or PostgreSQL URL."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Settings(BaseSettings):
    """Service configuration, from environment variables (no prefix) or `.env`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: str = Field(default="", repr=False)
    secure_cookies: bool = False
    # Failed sign-ins: free tries for one account from one address, from one address across
    # accounts and for one account across addresses, each followed by growing waits; see
    # services/sign_in_throttle.py.
    login_attempt_limit: int = Field(default=5, ge=1)
    login_attempt_window_seconds: int = Field(default=900, ge=1)
    login_client_attempt_limit: int = Field(default=20, ge=1)
    login_account_attempt_limit: int = Field(default=10, ge=1)
    login_account_max_delay_seconds: int = Field(default=60, ge=1)
    # Page sessions end after this long, or after this long without a request.
    session_lifetime_seconds: int = Field(default=8 * 60 * 60, ge=60)
    session_idle_timeout_seconds: int = Field(default=30 * 60, ge=60)
    token_lifetime_days: int = Field(default=30, ge=1)
    report_workers: int = Field(default=2, ge=1)
    report_timeout_seconds: float = Field(default=60, gt=0)
    # Render an awarded tender's report and summaries into the cache just after the award.
    report_warm_on_award: bool = True
    # How often, at most, the running service signs a checkpoint of a chain that has moved
    # (published at /public/audit/checkpoints); publications and the command take more.
    audit_checkpoint_interval_seconds: int = Field(default=24 * 60 * 60, ge=60)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return normalise_database_url(value)

    @model_validator(mode="after")
    def _defaults_for_environment(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'procurement.db'}"
        if not self.secret_key:
            if self.environment is Environment.PRODUCTION:
                raise ValueError("SECRET_KEY must be set when ENVIRONMENT=production")
            self.secret_key = _development_secret(self.data_dir)
        if len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters")
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")


def _development_secret(data_dir: Path) -> str:
    """Read, or create once, a per-checkout secret so sessions survive restarts."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
