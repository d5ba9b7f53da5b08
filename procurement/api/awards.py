"""The award decision on a tender."""

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.config import Settings
from procurement.schemas.award import AwardCreate, AwardRead
from procurement.services.awards import AwardService
from procurement.services.report_warming import warm_after_award


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
        request: Request[Any, Any, Any],
        awards: NamedDependency[AwardService],
        settings: NamedDependency[Settings],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[AwardCreate],
    ) -> Response[AwardRead]:
        """Award the tender to a ranked bid. 409 evaluation_incomplete names what is
        outstanding; 422 justification_required says why a justification is needed. The
        final report and summaries are then rendered in the background, ready to download."""
        award = await awards.create(tender_id, data)
        sessions = request.app.state.sessionmaker
        background = warm_after_award(sessions, settings, tender_id)
        return Response(award, status_code=201, background=background)
