"""Tenant isolation: another organisation's records do not exist for the caller."""

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.domain.roles import Role
from procurement.errors import NotFoundError
from procurement.schemas.organisation import OrganisationUpdate
from procurement.schemas.supplier import SupplierUpdate
from procurement.schemas.tender import TenderTransition, TenderUpdate
from procurement.schemas.user import UserUpdate
from procurement.services.bids import BidService
from procurement.services.organisations import OrganisationService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderFilter, TenderService
from procurement.services.users import UserService
from tests.factories import make_bid, make_supplier, make_tender
from tests.integration.support import Council, each_refused

Attempts = Callable[[AsyncSession, Council, Council], Awaitable[list[Awaitable[object]]]]


async def _organisation(
    session: AsyncSession, ours: Council, theirs: Council
) -> list[Awaitable[object]]:
    service, their_id = OrganisationService(session, ours.admin), theirs.organisation.id
    return [
        service.get(their_id),
        service.update(their_id, OrganisationUpdate(version=1, name="Taken over")),
        service.delete(their_id),
    ]


async def _user(session: AsyncSession, ours: Council, theirs: Council) -> list[Awaitable[object]]:
    service, their_id = UserService(session, ours.admin), theirs.users[Role.FINANCE].id
    return [
        service.get(their_id),
        service.update(their_id, UserUpdate(version=1, full_name="Hijacked")),
        service.deactivate(their_id),
    ]


async def _supplier(
    session: AsyncSession, ours: Council, theirs: Council
) -> list[Awaitable[object]]:
    their_id = (await make_supplier(session, theirs.organisation)).id
    service = SupplierService(session, ours.officer)
    return [
        service.get(their_id),
        service.update(their_id, SupplierUpdate(version=1, name="Mine now")),
        service.delete(their_id),
    ]


async def _tender(session: AsyncSession, ours: Council, theirs: Council) -> list[Awaitable[object]]:
    tender = await make_tender(session, theirs.organisation, theirs.officer_user, TenderStatus.OPEN)
    service = TenderService(session, ours.officer)
    return [
        service.get(tender.id),
        service.update(tender.id, TenderUpdate(version=1, title="Mine")),
        service.delete(tender.id),
        service.transition(tender.id, TenderAction.CANCEL, TenderTransition(reason="Mine")),
    ]


async def _bids(session: AsyncSession, ours: Council, theirs: Council) -> list[Awaitable[object]]:
    tender = await make_tender(
        session, theirs.organisation, theirs.officer_user, TenderStatus.CLOSED
    )
    supplier = await make_supplier(session, theirs.organisation)
    bid = await make_bid(session, tender, supplier, theirs.officer_user)
    service = BidService(session, ours.officer)
    return [service.list(tender.id, 10, 0), service.get(tender.id, bid.id)]


@pytest.mark.parametrize(
    "attempts",
    [_organisation, _user, _supplier, _tender, _bids],
    ids=lambda f: f.__name__.strip("_"),
)
async def test_another_organisations_records_do_not_exist_for_the_caller(
    session: AsyncSession, council: Council, other_council: Council, attempts: Attempts
) -> None:
    await each_refused(NotFoundError, *await attempts(session, council, other_council))


async def test_lists_hold_only_the_callers_own_records(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    for owner in (council, other_council):
        await make_supplier(session, owner.organisation)
        await make_tender(session, owner.organisation, owner.officer_user)
    officer = council.officer
    suppliers = await SupplierService(session, officer).list(10, 0)
    tenders = await TenderService(session, officer).list(TenderFilter(), 10, 0)
    users = await UserService(session, council.admin).list(10, 0)
    for page in (suppliers, tenders, users):
        assert {item.organisation_id for item in page.items} == {council.organisation.id}
