"""Moderation: every submitted score side by side, and the lead's consensus."""

import uuid

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.scores import ConsensusRead, ModerationRead, ModerationSave
from procurement.services.moderation import ModerationService


class ModerationController(Controller):
    """Review evaluators' scores and record a consensus with its reason."""

    path = "/api/v1/tenders/{tender_id:uuid}/moderation"
    tags = ["evaluation"]

    @get(operation_id="getModeration", responses=ERROR_RESPONSES)
    async def get_moderation(
        self, moderation: NamedDependency[ModerationService], tender_id: FromPath[uuid.UUID]
    ) -> ModerationRead:
        """Per bid and criterion: submitted scores and rationales, mean, spread, consensus."""
        return await moderation.overview(tender_id)

    @put(operation_id="moderateScore", responses=ERROR_RESPONSES)
    async def moderate(
        self,
        moderation: NamedDependency[ModerationService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[ModerationSave],
    ) -> ConsensusRead:
        """Record or revise the consensus; the evaluators' scores are never changed."""
        return await moderation.moderate(tender_id, data)
