"""Organisations: the caller's own, and onboarding of others."""

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.common import Page
from procurement.schemas.organisation import (
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)
from procurement.services.organisations import OrganisationService


class OrganisationController(Controller):
    """CRUD for organisations."""

    path = "/api/v1/organisations"
    tags = ["organisations"]

    @get(operation_id="listOrganisations", responses=ERROR_RESPONSES)
    async def list_organisations(
        self, organisations: NamedDependency[OrganisationService], paging: NamedDependency[Paging]
    ) -> Page[OrganisationRead]:
        """The caller's organisation."""
        return await organisations.list(paging.limit, paging.offset)

    @post(operation_id="createOrganisation", responses=ERROR_RESPONSES)
    async def create_organisation(
        self,
        organisations: NamedDependency[OrganisationService],
        data: JSONBody[OrganisationCreate],
    ) -> OrganisationRead:
        """Onboard another organisation with its first administrator."""
        return await organisations.create(data)

    @get("/{organisation_id:uuid}", operation_id="getOrganisation", responses=ERROR_RESPONSES)
    async def get_organisation(
        self,
        organisations: NamedDependency[OrganisationService],
        organisation_id: FromPath[uuid.UUID],
    ) -> OrganisationRead:
        """One organisation."""
        return await organisations.get(organisation_id)

    @patch("/{organisation_id:uuid}", operation_id="updateOrganisation", responses=ERROR_RESPONSES)
    async def update_organisation(
        self,
        organisations: NamedDependency[OrganisationService],
        organisation_id: FromPath[uuid.UUID],
        data: JSONBody[OrganisationUpdate],
    ) -> OrganisationRead:
        """Change the name or local area."""
        return await organisations.update(organisation_id, data)

    @delete("/{organisation_id:uuid}", operation_id="deleteOrganisation", responses=ERROR_RESPONSES)
    async def delete_organisation(
        self,
        organisations: NamedDependency[OrganisationService],
        organisation_id: FromPath[uuid.UUID],
    ) -> None:
        """Close an organisation that holds no suppliers or tenders."""
        await organisations.delete(organisation_id)
