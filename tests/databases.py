"""Real test databases: a migrated SQLite file, and a throwaway PostgreSQL database when configured.

`PROCUREMENT_TEST_POSTGRES_URL` names a PostgreSQL server and database the tests may connect to;
each run creates its own database beside it and drops it afterwards, so parallel runs never meet.
Under CI (`CI=true`) a missing or unreachable PostgreSQL fails the run instead of skipping.
"""

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from procurement.config import normalise_database_url
from procurement.db import create_engine
from procurement.migrate import upgrade_database

POSTGRES_ENV = "PROCUREMENT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def postgres_server_url() -> str | None:
    """The configured PostgreSQL URL, failing under CI when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if not url and os.environ.get("CI") == "true":
        pytest.fail(f"{POSTGRES_ENV} must be set under CI; PostgreSQL tests may not be skipped")
    return url


async def _admin(server_url: str, sql: str) -> None:
    url = make_url(normalise_database_url(server_url).replace("+asyncpg", ""))
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """Create a fresh, migrated database on the server; drop it afterwards."""
    name = f"procurement_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"PostgreSQL at {server_url} is not reachable: {error}")
    url = make_url(normalise_database_url(server_url)).set(database=name)
    database_url = url.render_as_string(hide_password=False)
    try:
        upgrade_database(database_url)
        yield database_url
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    """A migrated SQLite file in the directory."""
    database_url = f"sqlite+aiosqlite:///{directory / 'test.db'}"
    upgrade_database(database_url)
    yield database_url


@contextmanager
def migrated_database(backend: str, directory: Path) -> Iterator[str]:
    """A migrated database of the given backend, or a skip when PostgreSQL is not configured."""
    if backend == "sqlite":
        with sqlite_database(directory) as url:
            yield url
        return
    server = postgres_server_url()
    if not server:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL variant")
    with postgres_database(server) as url:
        yield url


async def empty_all_tables(database_url: str) -> None:
    """Delete every row, children first, so the next test starts from nothing."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                await connection.execute(sa.delete(table))
    finally:
        await engine.dispose()
