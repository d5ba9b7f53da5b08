"""BidService: submitting, recording, replacing, withdrawing and resubmitting bids."""

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.domain.roles import Role
from procurement.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InputError,
    NotFoundError,
    StaleVersionError,
)
from procurement.models import Supplier, Tender
from procurement.principal import Principal
from procurement.schemas.bid import (
    BidChannel,
    BidRead,
    BidRecord,
    BidReplace,
    BidStatus,
    BidSubmit,
)
from procurement.schemas.tender import TenderTransition
from procurement.services.bids import BidService
from procurement.services.tenders import TenderService
from tests.factories import make_supplier, make_tender
from tests.integration.support import Council, each_refused, field_of, open_tender, supplier_account


async def _submit(session: AsyncSession, bidder: Principal, tender: Tender, price: str) -> BidRead:
    return await BidService(session, bidder).submit(tender.id, BidSubmit(price=Decimal(price)))


@dataclass(frozen=True)
class Placed:
    """A bid of 100.00 placed by a supplier's user for an open tender."""

    tender: Tender
    supplier: Supplier
    bidder: Principal
    bid: BidRead


@pytest.fixture
async def placed(session: AsyncSession, council: Council) -> Placed:
    """A supplier's bid, standing on an open tender."""
    tender = await open_tender(session, council)
    supplier, bidder = await supplier_account(session, council)
    return Placed(tender, supplier, bidder, await _submit(session, bidder, tender, "100.00"))


def _changes(
    service: BidService, tender: Tender, bid_id: uuid.UUID, version: int = 1
) -> tuple[Awaitable[BidRead], Awaitable[BidRead]]:
    """Both ways of changing a bid: replacing it and withdrawing it."""
    return (
        service.replace(tender.id, bid_id, BidReplace(price=Decimal("1"), version=version)),
        service.withdraw(tender.id, bid_id),
    )


async def test_a_supplier_submits_its_own_sealed_bid(
    session: AsyncSession, council: Council
) -> None:
    tender = await open_tender(session, council)
    supplier, bidder = await supplier_account(session, council)
    bid = await _submit(session, bidder, tender, "812500.50")
    assert (bid.supplier_id, bid.supplier_name, bid.price, bid.currency) == (
        supplier.id,
        supplier.name,
        Decimal("812500.50"),
        "GBP",
    )
    assert (bid.status, bid.channel, bid.sealed, bid.version) == (
        BidStatus.SUBMITTED,
        BidChannel.PORTAL,
        True,
        1,
    )
    assert bid.received_at == bid.first_received_at


async def test_an_officer_records_a_bid_received_another_way(
    session: AsyncSession, council: Council
) -> None:
    tender = await open_tender(session, council)
    supplier = await make_supplier(session, council.organisation)
    bid = await BidService(session, council.officer).submit(
        tender.id, BidRecord(supplier_id=supplier.id, price=Decimal("90000"))
    )
    assert (bid.supplier_id, bid.channel) == (supplier.id, BidChannel.RECORDED)


async def test_a_bid_cannot_be_recorded_for_another_organisations_supplier(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    tender = await open_tender(session, council)
    theirs = await make_supplier(session, other_council.organisation)
    with pytest.raises(InputError) as caught:
        await BidService(session, council.officer).submit(
            tender.id, BidRecord(supplier_id=theirs.id, price=Decimal("1"))
        )
    assert field_of(caught.value) == "supplier_id"


@pytest.mark.parametrize(
    ("role", "recorded"),
    [
        (Role.PROCUREMENT, False),
        (Role.EVALUATOR, False),
        (Role.EVALUATOR, True),
        (Role.ADMIN, True),
        (Role.SUPPLIER, True),
    ],
)
async def test_only_suppliers_submit_and_only_officers_record(
    session: AsyncSession, council: Council, role: Role, recorded: bool
) -> None:
    tender = await open_tender(session, council)
    supplier, bidder = await supplier_account(session, council)
    actor = bidder if role is Role.SUPPLIER else council.as_role(role)
    data = (
        BidRecord(supplier_id=supplier.id, price=Decimal("1"))
        if recorded
        else BidSubmit(price=Decimal("1"))
    )
    with pytest.raises(ForbiddenError, match=r"^role_forbidden:"):
        await BidService(session, actor).submit(tender.id, data)


async def test_a_second_bid_from_the_same_supplier_is_refused(
    session: AsyncSession, council: Council, placed: Placed
) -> None:
    refusals = await each_refused(
        ConflictError,
        _submit(session, placed.bidder, placed.tender, "90"),
        BidService(session, council.officer).submit(
            placed.tender.id, BidRecord(supplier_id=placed.supplier.id, price=Decimal("80"))
        ),
        code="bid_exists",
    )
    assert all(r.extra == {"bid_id": str(placed.bid.id)} for r in refusals)


async def test_replacing_a_bid_changes_its_price_and_version_but_not_first_receipt(
    session: AsyncSession, placed: Placed
) -> None:
    service, first = BidService(session, placed.bidder), placed.bid
    replaced = await service.replace(
        placed.tender.id, first.id, BidReplace(price=Decimal("95.25"), version=1)
    )
    assert (replaced.id, replaced.price, replaced.version) == (first.id, Decimal("95.25"), 2)
    assert replaced.first_received_at == first.first_received_at
    assert replaced.received_at >= first.received_at
    with pytest.raises(StaleVersionError):
        await service.replace(
            placed.tender.id, first.id, BidReplace(price=Decimal("90"), version=1)
        )


async def test_withdrawing_keeps_the_record_and_cannot_be_repeated(
    session: AsyncSession, placed: Placed
) -> None:
    service = BidService(session, placed.bidder)
    withdrawn = await service.withdraw(placed.tender.id, placed.bid.id)
    assert (withdrawn.status, withdrawn.price) == (BidStatus.WITHDRAWN, Decimal("100.00"))
    assert withdrawn.withdrawn_at is not None
    await each_refused(
        ConflictError,
        *_changes(service, placed.tender, placed.bid.id, version=2),
        code="bid_withdrawn",
    )


async def test_resubmitting_after_withdrawal_revives_the_same_bid(
    session: AsyncSession, placed: Placed
) -> None:
    first = placed.bid
    await BidService(session, placed.bidder).withdraw(placed.tender.id, first.id)
    again = await _submit(session, placed.bidder, placed.tender, "85")
    assert (again.id, again.status, again.price, again.withdrawn_at) == (
        first.id,
        BidStatus.SUBMITTED,
        Decimal("85"),
        None,
    )
    assert again.first_received_at == first.first_received_at
    assert again.version == 3


@pytest.mark.parametrize(("who", "error"), [("rival", NotFoundError), ("officer", ForbiddenError)])
async def test_only_its_own_supplier_replaces_or_withdraws_a_bid(
    session: AsyncSession, council: Council, placed: Placed, who: str, error: type[DomainError]
) -> None:
    _, rival = await supplier_account(session, council)
    service = BidService(session, rival if who == "rival" else council.officer)
    await each_refused(error, *_changes(service, placed.tender, placed.bid.id))


@pytest.mark.parametrize(
    "status", [TenderStatus.DRAFT, TenderStatus.CLOSED, TenderStatus.CANCELLED]
)
async def test_bids_are_taken_only_while_a_tender_is_open(
    session: AsyncSession, council: Council, status: TenderStatus
) -> None:
    tender = await make_tender(session, council.organisation, council.officer_user, status)
    supplier = await make_supplier(session, council.organisation)
    with pytest.raises(ConflictError, match=r"^tender_not_open:") as caught:
        await BidService(session, council.officer).submit(
            tender.id, BidRecord(supplier_id=supplier.id, price=Decimal("1"))
        )
    assert caught.value.extra == {"current_status": status.value}


async def test_a_closed_tenders_bids_can_no_longer_be_changed(
    session: AsyncSession, council: Council, placed: Placed
) -> None:
    await TenderService(session, council.officer).transition(
        placed.tender.id, TenderAction.CLOSE, TenderTransition(reason="Enough bids")
    )
    refusals = await each_refused(
        ConflictError,
        *_changes(BidService(session, placed.bidder), placed.tender, placed.bid.id),
        code="tender_not_open",
    )
    assert all(r.extra == {"current_status": "closed"} for r in refusals)


async def test_nothing_changes_after_the_deadline_even_while_open(
    session: AsyncSession, council: Council, placed: Placed
) -> None:
    late_tender = await open_tender(session, council, deadline_in=timedelta(seconds=-1))
    placed.tender.submission_deadline = late_tender.submission_deadline
    await session.commit()
    await each_refused(
        ConflictError,
        _submit(session, placed.bidder, late_tender, "100"),
        *_changes(BidService(session, placed.bidder), placed.tender, placed.bid.id),
        code="deadline_passed",
    )


async def test_a_supplier_cannot_bid_for_another_organisations_tender(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    theirs = await open_tender(session, other_council)
    _, bidder = await supplier_account(session, council)
    with pytest.raises(NotFoundError):
        await _submit(session, bidder, theirs, "100")
