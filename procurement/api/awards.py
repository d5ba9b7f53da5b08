"""The award decision on a tender."""

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.award import AwardCreate, AwardRead
from procurement.services.awards import AwardService


class AwardController(Controller):
    """Read the award, or make it once the evaluation is complete."""

    path = "/api/v1/tenders/{tender_id:uuid}/award"
    tags = ["evaluation"]

    @get(operation_id="getAward", responses=ERROR_RESPONSES)
    async def get_award(
        self, awards: NamedDependency[AwardService], tender_id: FromPath[uuid.UUID]
    ) -> AwardRead:
        """The award and its standstill end date; 404 until one is made."""
        return await awards.get(tender_id)

    @post(operation_id="awardTender", responses=ERROR_RESPONSES)
    async def award_tender(
        self,
        awards: NamedDependency[AwardService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[AwardCreate],
    ) -> AwardRead:
        """Award the tender to a ranked bid. 409 evaluation_incomplete names what is
        outstanding; 422 justification_required says why a justification is needed."""
        return await awards.create(tender_id, data)
