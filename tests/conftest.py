"""Fixtures on real databases: every test starts with empty, fully migrated tables."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import procurement.models  # noqa: F401
from procurement.app import create_app
from procurement.config import Settings
from procurement.db import create_engine, session_factory
from tests.databases import BACKENDS, empty_all_tables, migrated_database

TEST_SECRET = "test-secret-key-that-is-long-enough-for-settings"


@pytest.fixture(scope="session", params=BACKENDS)
def any_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database: SQLite, then PostgreSQL when configured (tests run on both)."""
    with migrated_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated SQLite database, for tests that need not run on both backends."""
    with migrated_database("sqlite", tmp_path_factory.mktemp("sqlite-only")) as url:
        yield url


def _settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        data_dir=data_dir,
        login_attempt_limit=5,
    )


@pytest.fixture
async def engine(any_database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a clean database (both backends)."""
    engine = create_engine(any_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()
        await empty_all_tables(any_database_url)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session for calling services directly."""
    async with session_factory(engine)() as session:
        yield session


@pytest.fixture
def settings(sqlite_database_url: str, tmp_path: Path) -> Settings:
    """Settings for an app on the SQLite test database."""
    return _settings(sqlite_database_url, tmp_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    """The whole application on a clean SQLite database."""
    yield create_app(settings)
    await empty_all_tables(settings.database_url)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client talking to the app in-process."""
    async with AsyncTestClient(app=app) as client:
        yield client
