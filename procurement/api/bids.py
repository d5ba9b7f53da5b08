"""Bids on a tender: sealed until it closes."""

import uuid

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.bid import BidPage, BidPost, BidRead, BidReplace, ReceiptPage
from procurement.services.bids import BidService


class BidController(Controller):
    """Submit, record, replace, withdraw and (once closed) read bids."""

    path = "/api/v1/tenders/{tender_id:uuid}/bids"
    tags = ["bids"]

    @get(operation_id="listBids", responses=ERROR_RESPONSES)
    async def list_bids(
        self,
        bids: NamedDependency[BidService],
        tender_id: FromPath[uuid.UUID],
        paging: NamedDependency[Paging],
    ) -> BidPage | ReceiptPage:
        """Full bids after closing; receipts only (arrival times) while sealed."""
        return await bids.list(tender_id, paging.limit, paging.offset)

    @post(operation_id="submitBid", responses=ERROR_RESPONSES)
    async def submit_bid(
        self,
        bids: NamedDependency[BidService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[BidPost],
    ) -> BidRead:
        """A supplier submits its own bid; an officer records one by naming the supplier."""
        return await bids.submit(tender_id, data.command())

    @get("/{bid_id:uuid}", operation_id="getBid", responses=ERROR_RESPONSES)
    async def get_bid(
        self,
        bids: NamedDependency[BidService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
    ) -> BidRead:
        """One bid; 403 bid_sealed while the tender is not closed, unless it is your own."""
        return await bids.get(tender_id, bid_id)

    @put("/{bid_id:uuid}", operation_id="replaceBid", responses=ERROR_RESPONSES)
    async def replace_bid(
        self,
        bids: NamedDependency[BidService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        data: JSONBody[BidReplace],
    ) -> BidRead:
        """Replace your own bid before the deadline."""
        return await bids.replace(tender_id, bid_id, data)

    @post(
        "/{bid_id:uuid}/withdraw",
        operation_id="withdrawBid",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def withdraw_bid(
        self,
        bids: NamedDependency[BidService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
    ) -> BidRead:
        """Withdraw your own bid before the deadline."""
        return await bids.withdraw(tender_id, bid_id)
