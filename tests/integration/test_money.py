"""Money is exact: Decimal amounts come back from either database to the last penny."""

import uuid
from decimal import Decimal
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from procurement.models import Bid, Tender
from procurement.schemas.bid import BidSubmit
from procurement.services.bids import BidService
from procurement.services.tenders import TenderService
from tests.integration.support import Council, open_tender, supplier_account, tender_data

AMOUNTS = ["0.01", "0.30", "12345678901.23", "9999999999999.99"]
RowT = TypeVar("RowT", bound=SQLModel)


async def _from_database(session: AsyncSession, model: type[RowT], row_id: uuid.UUID) -> RowT:
    """Load the row afresh, so that nothing read comes from memory."""
    session.expunge_all()
    row = await session.get(model, row_id)
    assert row is not None
    return row


@pytest.mark.parametrize("amount", AMOUNTS)
async def test_tender_values_round_trip_exactly(
    session: AsyncSession, council: Council, amount: str
) -> None:
    created = await TenderService(session, council.officer).create(
        tender_data(estimated_value=amount)
    )
    stored = (await _from_database(session, Tender, created.id)).estimated_value
    assert (stored, str(stored)) == (Decimal(amount), amount)


async def test_bid_prices_round_trip_exactly(session: AsyncSession, council: Council) -> None:
    tender = await open_tender(session, council)
    _, bidder = await supplier_account(session, council)
    price = Decimal("0.10") + Decimal("0.20")
    bid = await BidService(session, bidder).submit(tender.id, BidSubmit(price=price))
    assert (await _from_database(session, Bid, bid.id)).price == Decimal("0.30")
