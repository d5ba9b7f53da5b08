"""Sealed bids: until a tender closes only receipts are visible, except to each bid's supplier."""

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction
from procurement.domain.roles import Role
from procurement.errors import ForbiddenError, NotFoundError
from procurement.models import Tender
from procurement.principal import Principal
from procurement.schemas.bid import BidRead, BidReceipt, BidSubmit
from procurement.schemas.tender import TenderTransition
from procurement.services.bids import BidService
from procurement.services.tenders import TenderService
from tests.factories import make_evaluator
from tests.integration.support import (
    STAFF_ROLES,
    Council,
    each_refused,
    open_tender,
    supplier_account,
)


async def _two_bids(
    session: AsyncSession, council: Council
) -> tuple[Tender, list[tuple[Principal, BidRead]]]:
    """An open tender with bids from two suppliers, and each bidder with their bid. Its
    evaluator has declared no interest, so only the seal keeps the bids from them."""
    tender = await open_tender(session, council)
    await make_evaluator(session, tender, council.users[Role.EVALUATOR], submitted=False)
    bids = []
    for price in ("100.00", "90.00"):
        _, bidder = await supplier_account(session, council)
        bid = await BidService(session, bidder).submit(tender.id, BidSubmit(price=Decimal(price)))
        bids.append((bidder, bid))
    return tender, bids


async def _close(session: AsyncSession, council: Council, tender: Tender) -> None:
    await TenderService(session, council.officer).transition(
        tender.id, TenderAction.CLOSE, TenderTransition(reason="Enough bids")
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
async def test_staff_cannot_open_a_bid_before_the_tender_closes(
    session: AsyncSession, council: Council, role: Role
) -> None:
    tender, [(_, bid), _] = await _two_bids(session, council)
    with pytest.raises(ForbiddenError, match=r"^bid_sealed:"):
        await BidService(session, council.as_role(role)).get(tender.id, bid.id)


async def test_staff_see_only_receipts_before_the_tender_closes(
    session: AsyncSession, council: Council
) -> None:
    tender, bids = await _two_bids(session, council)
    page = await BidService(session, council.officer).list(tender.id, 10, 0)
    assert page.total == 2
    assert all(type(item) is BidReceipt and item.sealed for item in page.items)
    assert {item.id for item in page.items} == {bid.id for _, bid in bids}
    assert "price" not in page.items[0].model_dump()


async def test_a_supplier_sees_its_own_bid_and_nothing_of_its_rivals(
    session: AsyncSession, council: Council
) -> None:
    tender, [(bidder, own), (_, rivals)] = await _two_bids(session, council)
    service = BidService(session, bidder)
    read = await service.get(tender.id, own.id)
    assert (read.price, read.sealed) == (Decimal("100.00"), True)
    page = await service.list(tender.id, 10, 0)
    assert ([b.id for b in page.items], page.total) == ([own.id], 1)
    with pytest.raises(NotFoundError):
        await service.get(tender.id, rivals.id)


@pytest.mark.parametrize("role", STAFF_ROLES)
async def test_staff_read_every_bid_once_the_tender_closes(
    session: AsyncSession, council: Council, role: Role
) -> None:
    tender, bids = await _two_bids(session, council)
    await _close(session, council, tender)
    service = BidService(session, council.as_role(role))
    page = await service.list(tender.id, 10, 0)
    assert all(type(item) is BidRead and not item.sealed for item in page.items)
    assert sorted(
        item.price for item in page.items if isinstance(item, BidRead) and item.price
    ) == [
        Decimal("90.00"),
        Decimal("100.00"),
    ]
    _, first = bids[0]
    assert (await service.get(tender.id, first.id)).price == Decimal("100.00")


async def test_closing_does_not_show_a_supplier_its_rivals_bid(
    session: AsyncSession, council: Council
) -> None:
    tender, [(bidder, _), (_, rivals)] = await _two_bids(session, council)
    await _close(session, council, tender)
    with pytest.raises(NotFoundError):
        await BidService(session, bidder).get(tender.id, rivals.id)


async def test_bids_of_another_organisations_tender_do_not_exist(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    tender, [(_, bid), _] = await _two_bids(session, council)
    await _close(session, council, tender)
    service = BidService(session, other_council.officer)
    await each_refused(
        NotFoundError,
        service.list(tender.id, 10, 0),
        service.get(tender.id, bid.id),
    )
