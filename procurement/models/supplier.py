"""The supplier table."""

import uuid

import sqlalchemy as sa
from sqlmodel import Field

from procurement.models.base import Entity
from procurement.schemas.supplier import SupplierBase


class Supplier(SupplierBase, Entity, table=True):
    """A business or VCSE that bids for the organisation's contracts."""

    __tablename__ = "supplier"
    __table_args__ = (
        sa.UniqueConstraint(
            "organisation_id", "companies_house_number", name="uq_supplier_company_number"
        ),
    )

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200, index=True)
    companies_house_number: str | None = Field(default=None, max_length=8)
    postcode: str = Field(max_length=8)
