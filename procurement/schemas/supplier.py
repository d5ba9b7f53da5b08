"""Supplier shapes. Whether a supplier is local is derived, never typed in."""

import uuid
from datetime import datetime

from pydantic import Field
from sqlmodel import SQLModel

from procurement.schemas.fields import CompanyNumber, Flag, Name, Postcode, Version


class SupplierBase(SQLModel):
    """Fields an officer records for a supplier."""

    name: Name
    companies_house_number: CompanyNumber | None = Field(
        default=None, description="Eight characters, e.g. 01234567 or SC123456"
    )
    postcode: Postcode = Field(description="UK postcode of the supplier's operating address")
    is_sme: Flag = Field(default=False, description="Small or medium-sized enterprise")
    is_vcse: Flag = Field(default=False, description="Voluntary, community or social enterprise")


class SupplierCreate(SupplierBase):
    """A new supplier."""


class SupplierUpdate(SQLModel):
    """A partial change; send the version you read."""

    version: Version
    name: Name | None = None
    companies_house_number: CompanyNumber | None = None
    postcode: Postcode | None = None
    is_sme: Flag | None = None
    is_vcse: Flag | None = None


class SupplierRead(SupplierBase):
    """A supplier as the API returns it, with `is_local` worked out from its postcode."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    is_local: bool
    created_at: datetime
    updated_at: datetime
    version: int
