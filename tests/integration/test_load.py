"""The real server under 32 concurrent readers and a few writers answers every request.

Reads used to take SQLite's write lock, so under load they queued behind each other and, past
the busy timeout, failed with 500 "database is locked". This starts `procurement serve` on a
fresh database seeded with the demo council and runs the load of bench/load.py against it.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load import load_service, seed, service
from tests.databases import BACKENDS, migrated_database

SECONDS = 10.0


@pytest.fixture(params=BACKENDS)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of each kind, for the demo to be seeded on."""
    with migrated_database(request.param, tmp_path) as url:
        yield url


async def test_every_request_under_load_gets_its_expected_answer(
    fresh_database: str, tmp_path: Path
) -> None:
    logins = await seed(fresh_database)
    with service(fresh_database, tmp_path) as server:
        result = await load_service(server.base_url, logins, SECONDS)
    assert result.errors == []
    assert result.api.count > 0
    assert result.pages.count > 0
    assert result.writes.count > 0
