"""A tender's award criteria: read, edited while a draft, checked, and turned into questions."""

import uuid

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.schemas.tender_criteria import (
    BidRequirements,
    CopyTemplate,
    CriteriaCheck,
    CriteriaCheckRequest,
    TenderCriteriaRead,
    TenderCriteriaUpdate,
)
from procurement.services.criteria import CriteriaService


class CriteriaController(Controller):
    """The criteria tree of one tender."""

    path = "/api/v1/tenders/{tender_id:uuid}/criteria"
    tags = ["criteria"]

    @get(operation_id="getTenderCriteria", responses=ERROR_RESPONSES)
    async def get_criteria(
        self, criteria: NamedDependency[CriteriaService], tender_id: FromPath[uuid.UUID]
    ) -> TenderCriteriaRead:
        """The tree, rules and issues, and whether they are frozen."""
        return await criteria.get(tender_id)

    @put(operation_id="replaceTenderCriteria", responses=ERROR_RESPONSES)
    async def replace_criteria(
        self,
        criteria: NamedDependency[CriteriaService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[TenderCriteriaUpdate],
    ) -> TenderCriteriaRead:
        """Save a draft's whole tree; 409 criteria_frozen once the tender is published."""
        return await criteria.replace(tender_id, data)

    @post(
        "/copy-template",
        operation_id="copyCriteriaTemplate",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def copy_template(
        self,
        criteria: NamedDependency[CriteriaService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[CopyTemplate],
    ) -> TenderCriteriaRead:
        """Replace a draft's tree and rules with a copy of a template's."""
        return await criteria.copy_template(tender_id, data.template_id, data.version)

    @post("/check", operation_id="checkTenderCriteria", responses=ERROR_RESPONSES, status_code=200)
    async def check_criteria(
        self,
        criteria: NamedDependency[CriteriaService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[CriteriaCheckRequest],
    ) -> CriteriaCheck:
        """The issues and the running sums of a tree, without saving it."""
        return await criteria.check(data.tree, tender_id)

    @get("/requirements", operation_id="getBidRequirements", responses=ERROR_RESPONSES)
    async def bid_requirements(
        self, criteria: NamedDependency[CriteriaService], tender_id: FromPath[uuid.UUID]
    ) -> BidRequirements:
        """What a bid must answer, and the measures it is asked to commit to."""
        return await criteria.bid_requirements(tender_id)
