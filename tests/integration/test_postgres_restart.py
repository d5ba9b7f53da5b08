"""A PostgreSQL server that drops the service's connections (a restart, a failover, an
administrator's pg_terminate_backend) costs no failed request: the pool notices a closed
connection when it hands it out, at no round trip, and connects afresh."""

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from procurement.db import create_engine, open_session
from procurement.domain.roles import Role
from procurement.services.auth import AuthService
from tests.databases import migrated_database
from tests.factories import make_organisation, make_supplier, make_user
from tests.integration.test_sqlite_locking import served


async def _terminate_other_backends(database_url: str) -> int:
    """End every other connection to the database, as a server restart would."""
    url = make_url(database_url)
    admin = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database="postgres"
    )
    try:
        ended: int = await admin.fetchval(
            "SELECT count(*) FROM ("
            "  SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            "  WHERE datname = $1 AND pid <> pg_backend_pid()"
            ") AS ended",
            url.database,
        )
        return ended
    finally:
        await admin.close()


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (skipped when none is configured)."""
    with migrated_database("postgresql", tmp_path) as url:
        yield url


async def test_requests_after_the_server_dropped_every_connection_succeed(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = create_engine(postgres_url)
    try:
        async with open_session(engine) as session:
            organisation = await make_organisation(session)
            await make_supplier(session, organisation, "Acme Lighting Ltd")
            officer = await make_user(session, organisation, Role.PROCUREMENT)
            issued = await AuthService(session).issue_token(
                officer.id, "restart", timedelta(hours=1)
            )
    finally:
        await engine.dispose()
    bearer = {"Authorization": f"Bearer {issued.token}"}
    async with served(postgres_url, tmp_path) as client:
        before = await asyncio.gather(
            *(client.get("/api/v1/suppliers", headers=bearer) for _ in range(3))
        )
        assert [response.status_code for response in before] == [200, 200, 200]
        assert await _terminate_other_backends(postgres_url) >= 1
        await asyncio.sleep(0.2)  # the server's goodbye reaches the pooled connections
        for path in ("/api/v1/suppliers", "/health", "/api/v1/tenders"):
            response = await client.get(path, headers=bearer)
            assert response.status_code == 200, response.text
        assert response.json()["total"] == 0
