"""Settings: database URL drivers, defaults under the data directory, production guards."""

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from procurement.config import Environment, Settings, normalise_database_url

SECRET = "s" * 40
_ENV_KEYS = ["DATABASE_URL", "DATA_DIR", "SECRET_KEY", "ENVIRONMENT"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings read the environment: start each test without the variables under test."""
    for key in _ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    yield


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/app", "postgresql+asyncpg://u:p@db:5432/app"),
        ("postgres://u@db/app", "postgresql+asyncpg://u@db/app"),
        ("sqlite:///data/app.db", "sqlite+aiosqlite:///data/app.db"),
        ("sqlite:////abs/app.db", "sqlite+aiosqlite:////abs/app.db"),
        ("postgresql+asyncpg://u@db/app", "postgresql+asyncpg://u@db/app"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_url_gets_the_async_driver(url: str, expected: str, tmp_path: Path) -> None:
    assert normalise_database_url(url) == expected
    assert (
        _settings(database_url=url, secret_key=SECRET, data_dir=tmp_path).database_url == expected
    )


def test_environment_variables_are_read_without_prefix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/app")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", SECRET)
    settings = _settings()
    assert settings.database_url == "postgresql+asyncpg://u@db/app"
    assert settings.data_dir == tmp_path
    assert settings.secret_key == SECRET
    assert not settings.is_sqlite


def test_default_database_is_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = _settings(data_dir=tmp_path, secret_key=SECRET)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'procurement.db'}"
    assert settings.is_sqlite


def test_development_secret_is_generated_into_the_data_dir_and_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "not" / "yet" / "made"
    first = _settings(data_dir=data_dir)
    key_file = data_dir / "secret_key"
    assert first.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _settings(data_dir=data_dir).secret_key == first.secret_key


def test_each_data_dir_gets_its_own_development_secret(tmp_path: Path) -> None:
    one = _settings(data_dir=tmp_path / "one").secret_key
    assert _settings(data_dir=tmp_path / "two").secret_key != one


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        _settings(environment=Environment.PRODUCTION, data_dir=tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_reads_environment_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError):
        _settings(data_dir=tmp_path)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    assert _settings(data_dir=tmp_path).environment is Environment.PRODUCTION


def test_short_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        _settings(secret_key="too-short", data_dir=tmp_path)


def test_secret_key_is_kept_out_of_repr(tmp_path: Path) -> None:
    assert SECRET not in repr(_settings(secret_key=SECRET, data_dir=tmp_path))


@pytest.mark.parametrize("port", [0, 65536])
def test_port_outside_range_is_refused(port: int, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        _settings(port=port, secret_key=SECRET, data_dir=tmp_path)
