"""Concurrent writers, each with its own engine and session as separate requests would have.

Whatever the interleaving, every writer either succeeds or gets a domain error: never a lost
update, a duplicate row, or SQLite's "database is locked".
"""

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from procurement.db import create_engine, session_factory
from procurement.domain.roles import Role
from procurement.errors import ConflictError, DomainError, InputError, StaleVersionError
from procurement.principal import Principal
from procurement.schemas.bid import BidRead, BidSubmit
from procurement.schemas.organisation import FirstAdministrator, OrganisationCreate
from procurement.schemas.supplier import SupplierCreate, SupplierUpdate
from procurement.schemas.user import UserCreate
from procurement.services.bids import BidService
from procurement.services.organisations import OrganisationService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderService
from procurement.services.users import UserService
from tests.factories import PASSWORD, make_supplier
from tests.integration.support import Council, field_of, open_tender, supplier_account, tender_data

WRITERS = 10
TWIN_EMAIL = "twin@council.example.com"
Job = Callable[[AsyncSession], Awaitable[Any]]


async def _concurrently(database_url: str, jobs: list[Job]) -> list[Any]:
    """Run each job on its own engine at the same time; return results and raised errors."""
    engines = [create_engine(database_url) for _ in jobs]

    async def run(engine: AsyncEngine, job: Job) -> Any:
        async with session_factory(engine)() as session:
            return await job(session)

    try:
        results = await asyncio.gather(
            *(run(engine, job) for engine, job in zip(engines, jobs, strict=True)),
            return_exceptions=True,
        )
    finally:
        for engine in engines:
            await engine.dispose()
    unexpected = [
        r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)
    ]
    assert not unexpected, unexpected
    return results


def _rename(actor: Principal, supplier_id: Any, name: str) -> Job:
    async def job(session: AsyncSession) -> Any:
        return await SupplierService(session, actor).update(
            supplier_id, SupplierUpdate(version=1, name=name)
        )

    return job


def _new_tender(council: Council, n: int) -> Job:
    async def job(session: AsyncSession) -> Any:
        data = tender_data("TWIN/1", title=f"Tender {n}")
        return await TenderService(session, council.officer).create(data)

    return job


def _new_supplier(council: Council, n: int) -> Job:
    async def job(session: AsyncSession) -> Any:
        data = SupplierCreate(
            name=f"Twin {n} Ltd", companies_house_number="01234567", postcode="NN8 4EG"
        )
        return await SupplierService(session, council.officer).create(data)

    return job


def _new_user(council: Council, n: int) -> Job:
    async def job(session: AsyncSession) -> Any:
        data = UserCreate(
            email=TWIN_EMAIL, full_name=f"Twin {n}", role=Role.FINANCE, password=PASSWORD
        )
        return await UserService(session, council.admin).create(data)

    return job


def _new_organisation(council: Council, n: int) -> Job:
    async def job(session: AsyncSession) -> Any:
        admin = FirstAdministrator(email=TWIN_EMAIL, full_name=f"Twin {n}", password=PASSWORD)
        data = OrganisationCreate(name=f"Council {n}", administrator=admin)
        return await OrganisationService(session, council.admin).create(data)

    return job


def _bid(actor: Principal, tender_id: Any, price: str) -> Job:
    async def job(session: AsyncSession) -> BidRead:
        return await BidService(session, actor).submit(tender_id, BidSubmit(price=Decimal(price)))

    return job


async def test_the_second_edit_from_the_same_read_is_refused(
    engine: AsyncEngine, session: AsyncSession, council: Council
) -> None:
    supplier = await make_supplier(session, council.organisation)
    await session.close()  # the setup session must not hold SQLite's write lock
    sessions = session_factory(engine)
    async with sessions() as first:
        await _rename(council.officer, supplier.id, "First Ltd")(first)
    async with sessions() as second:
        with pytest.raises(StaleVersionError) as caught:
            await _rename(council.officer, supplier.id, "Second Ltd")(second)
    assert caught.value.extra == {"current_version": 2}


async def test_of_many_simultaneous_edits_from_one_read_exactly_one_wins(
    any_database_url: str, session: AsyncSession, council: Council
) -> None:
    supplier = await make_supplier(session, council.organisation)
    await session.close()
    jobs = [_rename(council.officer, supplier.id, f"Writer {n} Ltd") for n in range(WRITERS)]
    results = await _concurrently(any_database_url, jobs)
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, StaleVersionError) for r in results if r is not winners[0])
    stored = await SupplierService(session, council.officer).get(supplier.id)
    assert (stored.name, stored.version) == (winners[0].name, 2)


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (_new_tender, "reference"),
        (_new_supplier, "companies_house_number"),
        (_new_user, "email"),
        (_new_organisation, "administrator.email"),
    ],
    ids=["tender-reference", "company-number", "user-email", "administrator-email"],
)
async def test_of_simultaneous_records_with_one_unique_key_one_is_made_the_rest_refused(
    any_database_url: str,
    session: AsyncSession,
    council: Council,
    new: Callable[[Council, int], Job],
    field: str,
) -> None:
    await session.close()
    results = await _concurrently(any_database_url, [new(council, n) for n in range(6)])
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == len(results) - 1
    assert all(isinstance(r, InputError) and field_of(r) == field for r in refused), refused


async def test_simultaneous_bids_from_different_suppliers_all_arrive(
    any_database_url: str, session: AsyncSession, council: Council
) -> None:
    tender = await open_tender(session, council)
    bidders = [(await supplier_account(session, council))[1] for _ in range(WRITERS)]
    await session.close()
    jobs = [_bid(bidder, tender.id, f"{1000 + n}.50") for n, bidder in enumerate(bidders)]
    results = await _concurrently(any_database_url, jobs)
    assert all(isinstance(r, BidRead) for r in results), results
    assert (await TenderService(session, council.officer).get(tender.id)).bid_count == WRITERS


async def test_simultaneous_bids_from_one_supplier_make_one_bid(
    any_database_url: str, session: AsyncSession, council: Council
) -> None:
    tender = await open_tender(session, council)
    _, bidder = await supplier_account(session, council)
    await session.close()
    results = await _concurrently(
        any_database_url, [_bid(bidder, tender.id, "500.00") for _ in range(5)]
    )
    assert sum(isinstance(r, BidRead) for r in results) == 1
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(refused) == 4
    assert {r.code for r in refused} == {"bid_exists"}
    assert (await TenderService(session, council.officer).get(tender.id)).bid_count == 1
