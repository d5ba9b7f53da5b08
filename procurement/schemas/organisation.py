"""Organisation shapes: the council that owns everything else."""

import uuid
from datetime import datetime

from pydantic import EmailStr, Field, field_validator
from sqlmodel import SQLModel

from procurement.schemas.fields import AreaCode, Name, Password, Version


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


class OrganisationBase(SQLModel):
    """Fields an administrator sets."""

    name: Name
    local_area: list[AreaCode] = Field(
        default_factory=list,
        max_length=500,
        description="Postcode areas (NE) or districts (NN8) that count as local",
    )

    @field_validator("local_area")
    @classmethod
    def _deduplicate(cls, codes: list[str]) -> list[str]:
        return _unique(codes)


class FirstAdministrator(SQLModel):
    """The account that will run a newly onboarded organisation."""

    email: EmailStr
    full_name: Name
    password: Password


class OrganisationCreate(OrganisationBase):
    """A new organisation on a shared deployment, with its first administrator."""

    administrator: FirstAdministrator


class OrganisationUpdate(SQLModel):
    """A partial change; send the version you read."""

    version: Version
    name: Name | None = None
    local_area: list[AreaCode] | None = Field(default=None, max_length=500)

    @field_validator("local_area")
    @classmethod
    def _deduplicate(cls, codes: list[str] | None) -> list[str] | None:
        return None if codes is None else _unique(codes)


class OrganisationRead(OrganisationBase):
    """An organisation as the API returns it."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
