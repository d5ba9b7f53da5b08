"""Bids on a tender: sealed until it closes."""

import uuid

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.bid import BidPage, BidPost, BidRead, BidReplace, ReceiptPage
from procurement.schemas.common import Page
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

    @get(
        "/{bid_id:uuid}/events",
        operation_id="listBidEvents",
        responses=ERROR_RESPONSES,
        description=(
            "For the supplier that made the bid: the audit events of its submission, any "
            "replacement and withdrawal, oldest first, as stored (naming the supplier and who "
            "sent it), even while the tender is open and other readers of the trail see them "
            "without the name. Another supplier's bid is 404; staff read `listAuditEvents`."
        ),
    )
    async def list_bid_events(
        self,
        bids: NamedDependency[BidService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        paging: NamedDependency[Paging],
    ) -> Page[AuditEventRead]:
        """The audit trail of your own bid."""
        return await bids.events(tender_id, bid_id, paging.limit, paging.offset)

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
