"""A closed tender's evaluation: scores, ranking, flags, and how robust the winner is."""

import uuid

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.evaluation import EvaluationRead, SensitivityRead
from procurement.services.evaluation import EvaluationService


class EvaluationController(Controller):
    """The engine's result and sensitivity analysis, computed once per input version."""

    path = "/api/v1/tenders/{tender_id:uuid}"
    tags = ["evaluation"]

    @get("/evaluation", operation_id="getEvaluation", responses=ERROR_RESPONSES)
    async def get_evaluation(
        self, evaluation: NamedDependency[EvaluationService], tender_id: FromPath[uuid.UUID]
    ) -> EvaluationRead:
        """Every bid's scores with their arithmetic, totals, ranks, flags, ties and winner;
        409 tender_not_closed while the bids are sealed."""
        return await evaluation.read(tender_id)

    @get("/sensitivity", operation_id="getSensitivity", responses=ERROR_RESPONSES)
    async def get_sensitivity(
        self, evaluation: NamedDependency[EvaluationService], tender_id: FromPath[uuid.UUID]
    ) -> SensitivityRead:
        """For each group, the weights within which the winner stays the winner; and whether
        removing any one losing bid would change the winner."""
        return await evaluation.read_sensitivity(tender_id)
