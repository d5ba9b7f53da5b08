"""The capital programme: schemes, and their derived figures.

A scheme's figures (spend to date, % spent, variance and its flag, slippage, local and SME/VCSE
spend, social value committed by its contracts) are at
`GET /api/v1/capital-projects/{id}/figures?as_at=YYYY-MM-DD`; the whole programme's, with
totals and the schemes whose variance needs an explanation, at
`GET /api/v1/capital-programme/figures?as_at=YYYY-MM-DD`. Without `as_at`, figures are as at
today; only spend paid on or before that date counts.
"""

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.domain.capital import ProjectStatus
from procurement.schemas.capital_project import (
    CapitalProjectCreate,
    CapitalProjectRead,
    CapitalProjectUpdate,
    ProgrammeFiguresRead,
    ProjectFiguresRead,
)
from procurement.schemas.common import Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.services.capital_projects import CapitalProjectService, ProjectFilter

AsAt = Annotated[
    date | None,
    QueryParameter(description="The date figures are worked out for (default: today)"),
]


class CapitalProjectController(Controller):
    """Capital schemes: kept by finance, read by procurement and administrators."""

    path = "/api/v1/capital-projects"
    tags = ["capital programme"]

    @get(operation_id="listCapitalProjects", responses=ERROR_RESPONSES)
    async def list_projects(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        paging: NamedDependency[Paging],
        status: FromQuery[ProjectStatus | None] = None,
        service_area: Annotated[
            str | None, QueryParameter(max_length=100, pattern=SINGLE_LINE)
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(max_length=200, pattern=SINGLE_LINE, description="Code or name"),
        ] = None,
    ) -> Page[CapitalProjectRead]:
        """Schemes by code."""
        filters = ProjectFilter(status=status, service_area=service_area, search=q)
        return await capital_projects.list(filters, paging.limit, paging.offset)

    @post(operation_id="createCapitalProject", responses=ERROR_RESPONSES)
    async def create_project(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        data: JSONBody[CapitalProjectCreate],
    ) -> CapitalProjectRead:
        """Add a scheme; funding and the yearly profile must each add up to the budget."""
        return await capital_projects.create(data)

    @get("/{project_id:uuid}", operation_id="getCapitalProject", responses=ERROR_RESPONSES)
    async def get_project(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        project_id: FromPath[uuid.UUID],
    ) -> CapitalProjectRead:
        """One scheme."""
        return await capital_projects.get(project_id)

    @patch("/{project_id:uuid}", operation_id="updateCapitalProject", responses=ERROR_RESPONSES)
    async def update_project(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        project_id: FromPath[uuid.UUID],
        data: JSONBody[CapitalProjectUpdate],
    ) -> CapitalProjectRead:
        """Change a scheme; lists given replace the stored ones."""
        return await capital_projects.update(project_id, data)

    @delete("/{project_id:uuid}", operation_id="deleteCapitalProject", responses=ERROR_RESPONSES)
    async def delete_project(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        project_id: FromPath[uuid.UUID],
    ) -> None:
        """Remove a scheme with no spend and no linked tenders."""
        await capital_projects.delete(project_id)

    @get(
        "/{project_id:uuid}/figures",
        operation_id="getCapitalProjectFigures",
        responses=ERROR_RESPONSES,
    )
    async def project_figures(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        project_id: FromPath[uuid.UUID],
        as_at: AsAt = None,
    ) -> ProjectFiguresRead:
        """A scheme's spend, variance, slippage, local spend and social value on a date."""
        return await capital_projects.figures(project_id, as_at)


class CapitalProgrammeController(Controller):
    """The whole capital programme's figures."""

    path = "/api/v1/capital-programme"
    tags = ["capital programme"]

    @get("/figures", operation_id="getCapitalProgrammeFigures", responses=ERROR_RESPONSES)
    async def programme_figures(
        self,
        capital_projects: NamedDependency[CapitalProjectService],
        as_at: AsAt = None,
    ) -> ProgrammeFiguresRead:
        """Every scheme's figures on a date, the totals, and the unexplained variances."""
        return await capital_projects.programme(as_at)
