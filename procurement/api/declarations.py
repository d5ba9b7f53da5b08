"""Conflict-of-interest declarations, and the lead's decisions on declared interests."""

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.evaluators import ConflictDecisionSave, DeclarationSave, EvaluatorRead
from procurement.services.declarations import DeclarationService


class DeclarationController(Controller):
    """Evaluators declare; the lead allows, restricts or removes those with an interest."""

    path = "/api/v1/tenders/{tender_id:uuid}/declarations"
    tags = ["evaluation"]

    @get(operation_id="getDeclarations", responses=ERROR_RESPONSES)
    async def get_declarations(
        self, declarations: NamedDependency[DeclarationService], tender_id: FromPath[uuid.UUID]
    ) -> list[EvaluatorRead]:
        """Every declaration for the lead and administrators; an evaluator sees their own."""
        return await declarations.declarations(tender_id)

    @post(operation_id="declareInterests", responses=ERROR_RESPONSES, status_code=200)
    async def declare(
        self,
        declarations: NamedDependency[DeclarationService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[DeclarationSave],
    ) -> EvaluatorRead:
        """Declare no interest, or an interest with its details (until scores are submitted)."""
        return await declarations.declare(tender_id, data)

    @post(
        "/{assignment_id:uuid}/decision",
        operation_id="decideConflict",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def decide(
        self,
        declarations: NamedDependency[DeclarationService],
        tender_id: FromPath[uuid.UUID],
        assignment_id: FromPath[uuid.UUID],
        data: JSONBody[ConflictDecisionSave],
    ) -> EvaluatorRead:
        """Allow, restrict (to named bids) or remove an evaluator who declared an interest."""
        return await declarations.decide(tender_id, assignment_id, data)
