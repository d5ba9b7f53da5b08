"""Evaluators' scores: drafts per bid, then the whole set submitted at once."""

import uuid

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.scores import BidScoresRead, ScoresSave, ScoreSubmission
from procurement.services.scores import ScoreService


class ScoreController(Controller):
    """Score bids independently, with a reason for every score."""

    path = "/api/v1/tenders/{tender_id:uuid}"
    tags = ["evaluation"]

    @get("/bids/{bid_id:uuid}/scores", operation_id="getBidScores", responses=ERROR_RESPONSES)
    async def get_scores(
        self,
        scoring: NamedDependency[ScoreService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
    ) -> BidScoresRead:
        """Your own scores (and others' submitted ones once you submit); the lead sees all
        submitted scores."""
        return await scoring.get(tender_id, bid_id)

    @put("/bids/{bid_id:uuid}/scores", operation_id="saveBidScores", responses=ERROR_RESPONSES)
    async def save_scores(
        self,
        scoring: NamedDependency[ScoreService],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        data: JSONBody[ScoresSave],
    ) -> BidScoresRead:
        """Save draft scores for a bid, all or none; the first one begins the evaluation."""
        return await scoring.save(tender_id, bid_id, data)

    @post(
        "/scores/submit",
        operation_id="submitScores",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def submit_scores(
        self, scoring: NamedDependency[ScoreService], tender_id: FromPath[uuid.UUID]
    ) -> ScoreSubmission:
        """Submit your whole set; 409 scores_incomplete lists any score still missing."""
        return await scoring.submit(tender_id)
