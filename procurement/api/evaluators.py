"""Evaluators on a tender: assigned by the lead, each scoring some or all criteria groups."""

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.evaluators import EvaluatorAssign, EvaluatorRead, EvaluatorUpdate
from procurement.services.evaluators import EvaluatorService


class EvaluatorController(Controller):
    """Assign, re-group and take off a tender's evaluators."""

    path = "/api/v1/tenders/{tender_id:uuid}/evaluators"
    tags = ["evaluation"]

    @get(operation_id="getTenderEvaluators", responses=ERROR_RESPONSES)
    async def get_evaluators(
        self, evaluators: NamedDependency[EvaluatorService], tender_id: FromPath[uuid.UUID]
    ) -> list[EvaluatorRead]:
        """Every evaluator for the lead and administrators; an evaluator sees only their own."""
        return await evaluators.assignments(tender_id)

    @post(operation_id="assignEvaluator", responses=ERROR_RESPONSES)
    async def assign_evaluator(
        self,
        evaluators: NamedDependency[EvaluatorService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[EvaluatorAssign],
    ) -> EvaluatorRead:
        """Assign an evaluator; 409 evaluator_assigned if they already are."""
        return await evaluators.assign(tender_id, data)

    @patch("/{assignment_id:uuid}", operation_id="updateEvaluator", responses=ERROR_RESPONSES)
    async def update_evaluator(
        self,
        evaluators: NamedDependency[EvaluatorService],
        tender_id: FromPath[uuid.UUID],
        assignment_id: FromPath[uuid.UUID],
        data: JSONBody[EvaluatorUpdate],
    ) -> EvaluatorRead:
        """Change the groups an evaluator scores, until they submit their scores."""
        return await evaluators.update(tender_id, assignment_id, data)

    @delete("/{assignment_id:uuid}", operation_id="unassignEvaluator", responses=ERROR_RESPONSES)
    async def unassign_evaluator(
        self,
        evaluators: NamedDependency[EvaluatorService],
        tender_id: FromPath[uuid.UUID],
        assignment_id: FromPath[uuid.UUID],
    ) -> None:
        """Take an evaluator off before they declare or score; later, decide to remove them."""
        await evaluators.remove(tender_id, assignment_id)
