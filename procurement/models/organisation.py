"""The organisation table."""

from sqlmodel import Field

from procurement.models.base import Entity, json_list_column
from procurement.schemas.organisation import OrganisationBase


class Organisation(OrganisationBase, Entity, table=True):
    """A council: the tenant that owns users, suppliers and tenders."""

    __tablename__ = "organisation"

    name: str = Field(max_length=200)
    local_area: list[str] = json_list_column()
