"""Weighting templates: reusable criteria trees."""

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.common import Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.schemas.weighting_template import (
    WeightingTemplateCreate,
    WeightingTemplateRead,
    WeightingTemplateUpdate,
)
from procurement.services.weighting_templates import WeightingTemplateService


class WeightingTemplateController(Controller):
    """CRUD for weighting templates; every read lists the tree's issues."""

    path = "/api/v1/weighting-templates"
    tags = ["weighting templates"]

    @get(operation_id="listWeightingTemplates", responses=ERROR_RESPONSES)
    async def list_templates(
        self,
        weighting_templates: NamedDependency[WeightingTemplateService],
        paging: NamedDependency[Paging],
        q: Annotated[
            str | None,
            QueryParameter(max_length=200, pattern=SINGLE_LINE, description="Text in the name"),
        ] = None,
    ) -> Page[WeightingTemplateRead]:
        """Templates by name."""
        return await weighting_templates.list(paging.limit, paging.offset, q)

    @post(operation_id="createWeightingTemplate", responses=ERROR_RESPONSES)
    async def create_template(
        self,
        weighting_templates: NamedDependency[WeightingTemplateService],
        data: JSONBody[WeightingTemplateCreate],
    ) -> WeightingTemplateRead:
        """Save a new template (its tree may still be incomplete)."""
        return await weighting_templates.create(data)

    @get("/{template_id:uuid}", operation_id="getWeightingTemplate", responses=ERROR_RESPONSES)
    async def get_template(
        self,
        weighting_templates: NamedDependency[WeightingTemplateService],
        template_id: FromPath[uuid.UUID],
    ) -> WeightingTemplateRead:
        """One template."""
        return await weighting_templates.get(template_id)

    @patch("/{template_id:uuid}", operation_id="updateWeightingTemplate", responses=ERROR_RESPONSES)
    async def update_template(
        self,
        weighting_templates: NamedDependency[WeightingTemplateService],
        template_id: FromPath[uuid.UUID],
        data: JSONBody[WeightingTemplateUpdate],
    ) -> WeightingTemplateRead:
        """Rename a template or change its tree or rules."""
        return await weighting_templates.update(template_id, data)

    @delete(
        "/{template_id:uuid}", operation_id="deleteWeightingTemplate", responses=ERROR_RESPONSES
    )
    async def delete_template(
        self,
        weighting_templates: NamedDependency[WeightingTemplateService],
        template_id: FromPath[uuid.UUID],
    ) -> None:
        """Remove a template; tenders copied from it keep their criteria."""
        await weighting_templates.delete(template_id)
