"""Excluding a bid from a tender's evaluation, and reinstating it."""

import uuid

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.bid import BidRead
from procurement.schemas.evaluation import BidExclusion
from procurement.services.exclusions import ExclusionService


class ExclusionController(Controller):
    """The lead takes a bid out of the ranking, with the reason, or brings it back."""

    path = "/api/v1/tenders/{tender_id:uuid}/bids/{bid_id:uuid}"
    tags = ["evaluation"]

    @post("/exclude", operation_id="excludeBid", responses=ERROR_RESPONSES, status_code=200)
    async def exclude_bid(
        self,
        exclusions: NamedDependency[ExclusionService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        data: JSONBody[BidExclusion],
    ) -> BidRead:
        """Exclude the bid with the reason; it is still scored but not ranked. Procurement
        only; the tender must be closed or under evaluation."""
        return await exclusions.exclude(tender_id, bid_id, data)

    @post("/reinstate", operation_id="reinstateBid", responses=ERROR_RESPONSES, status_code=200)
    async def reinstate_bid(
        self,
        exclusions: NamedDependency[ExclusionService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
    ) -> BidRead:
        """Bring an excluded bid back into the evaluation."""
        return await exclusions.reinstate(tender_id, bid_id)
