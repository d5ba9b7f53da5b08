"""Reads never queue for SQLite's write lock, and a read that writes a cache waits its turn.

A writer holds its lock for the whole of its transaction. Requests that only read (GET) must
answer meanwhile, not wait for it and, after the busy timeout, fail with "database is
locked"; a GET that stores a freshly computed result must wait for the lock like any writer
instead of failing at once. Both databases run the same tests; PostgreSQL never makes readers
wait, so there they pin down that nothing else does either.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from procurement.app import create_app
from procurement.config import Settings
from procurement.db import reading, session_factory
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Organisation, Supplier, Tender
from procurement.services.auth import AuthService
from tests.conftest import TEST_SECRET
from tests.factories import make_bid, make_organisation, make_supplier, make_tender, make_user

# Long enough that a request queueing for the lock would still be waiting when checked.
HOLD_SECONDS = 0.5


@asynccontextmanager
async def writer_mid_transaction(
    engine: AsyncEngine, organisation: Organisation
) -> AsyncIterator[None]:
    """Another connection that has begun a write (on SQLite: holds the write lock) and has not
    committed it; rolled back on leaving."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(
            sa.insert(Supplier).values(
                id=uuid.uuid4(),
                organisation_id=organisation.id,
                name="Uncommitted Ltd",
                postcode="NN8 4EG",
                is_sme=False,
                is_vcse=False,
                version=1,
            )
        )
        try:
            yield
        finally:
            await transaction.rollback()


async def _supplier_count(session: AsyncSession, organisation: Organisation) -> int:
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Supplier)
        .where(col(Supplier.organisation_id) == organisation.id)
    )
    return count or 0


async def test_a_reading_session_reads_while_a_writer_holds_the_lock(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    organisation = await make_organisation(session)
    await make_supplier(session, organisation, "Committed Ltd")
    async with (
        writer_mid_transaction(engine, organisation),
        session_factory(reading(engine))() as reader,
    ):
        counting = asyncio.create_task(_supplier_count(reader, organisation))
        await asyncio.wait({counting}, timeout=HOLD_SECONDS)
        assert counting.done(), "the read waited for the writer"
        assert counting.result() == 1


async def test_a_reading_session_may_write_after_another_writer_committed(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    # SQLite refuses at once to upgrade a read whose snapshot another writer has moved past.
    organisation = await make_organisation(session)
    async with session_factory(reading(engine))() as reader:
        assert await _supplier_count(reader, organisation) == 0
        await make_supplier(session, organisation, "Got In First Ltd")
        await make_supplier(reader, organisation, "Came Second Ltd")
        assert await _supplier_count(reader, organisation) == 2


@asynccontextmanager
async def served(database_url: str, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app in-process, on the test's own event loop, so that a request waiting for
    a lock leaves the test free to release it."""
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET, data_dir=data_dir)
    app = create_app(settings)
    async with app.lifespan():
        # Litestar's precise ASGI types are a narrower spelling of the ones httpx expects.
        transport = httpx.ASGITransport(app=cast(Any, app))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def _closed_tender(session: AsyncSession) -> tuple[Organisation, Tender, dict[str, str]]:
    """A council's closed tender with two bids, and an officer's bearer header."""
    organisation = await make_organisation(session, f"Council {uuid.uuid4().hex[:8]}")
    officer = await make_user(session, organisation, Role.PROCUREMENT)
    tender = await make_tender(session, organisation, officer, TenderStatus.CLOSED)
    for name, price in (("Acme Lighting Ltd", "95000.00"), ("Borough Builders Ltd", "80000.00")):
        await make_bid(
            session, tender, await make_supplier(session, organisation, name), officer, price
        )
    issued = await AuthService(session).issue_token(officer.id, "locking", timedelta(hours=1))
    return organisation, tender, {"Authorization": f"Bearer {issued.token}"}


async def test_gets_answer_while_a_writer_holds_the_lock(
    any_database_url: str, tmp_path: Path, engine: AsyncEngine, session: AsyncSession
) -> None:
    organisation, tender, bearer = await _closed_tender(session)
    paths = ["/health", "/api/v1/suppliers", "/api/v1/tenders", f"/api/v1/tenders/{tender.id}"]
    async with (
        served(any_database_url, tmp_path) as client,
        writer_mid_transaction(engine, organisation),
    ):
        for path in paths:
            asking = asyncio.create_task(client.get(path, headers=bearer))
            await asyncio.wait({asking}, timeout=HOLD_SECONDS * 4)
            assert asking.done(), f"GET {path} waited for the writer"
            assert asking.result().status_code == 200, asking.result().text


async def test_a_get_that_caches_its_result_waits_for_the_lock_and_succeeds(
    any_database_url: str, tmp_path: Path, engine: AsyncEngine, session: AsyncSession
) -> None:
    # The first read of an evaluation computes it and stores it for every worker.
    organisation, tender, bearer = await _closed_tender(session)
    path = f"/api/v1/tenders/{tender.id}/evaluation"
    async with served(any_database_url, tmp_path) as client:
        async with writer_mid_transaction(engine, organisation):
            asking = asyncio.create_task(client.get(path, headers=bearer))
            await asyncio.sleep(HOLD_SECONDS)
        response = await asking
        assert response.status_code == 200, response.text
        assert len(response.json()["bids"]) == 2
        again = await client.get(path, headers=bearer)
    assert again.json()["computed_at"] == response.json()["computed_at"]  # kept in the cache
