"""User shapes. Passwords go in, never out."""

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict
from sqlmodel import SQLModel

from procurement.domain.roles import Role
from procurement.schemas.fields import Email, Flag, Name, Password, Version

# supplier_id is required for, and only for, the supplier role: stated in the schema too.
_SUPPLIER_LINK: JsonDict = {
    "oneOf": [
        {
            "properties": {
                "role": {"const": Role.SUPPLIER.value},
                "supplier_id": {"type": "string", "format": "uuid"},
            },
            "required": ["supplier_id"],
        },
        {
            "properties": {
                "role": {"enum": [role.value for role in Role if role is not Role.SUPPLIER]},
                "supplier_id": {"type": "null"},
            },
        },
    ]
}


class UserBase(SQLModel):
    """Fields an administrator sets for a user."""

    model_config = ConfigDict(json_schema_extra=_SUPPLIER_LINK)  # type: ignore[assignment]

    email: Email
    full_name: Name
    role: Role
    supplier_id: uuid.UUID | None = Field(
        default=None,
        description="Required for, and only for, the supplier role",
        validate_default=True,
    )

    @field_validator("supplier_id")
    @classmethod
    def _supplier_link(
        cls, supplier_id: uuid.UUID | None, info: ValidationInfo
    ) -> uuid.UUID | None:
        # Validated on the field (not the model) so the error names supplier_id.
        role = info.data.get("role")
        if role is Role.SUPPLIER and supplier_id is None:
            raise ValueError("A supplier user must be linked to a supplier (supplier_id)")
        if role is not None and role is not Role.SUPPLIER and supplier_id is not None:
            raise ValueError("Only supplier users are linked to a supplier")
        return supplier_id


class UserCreate(UserBase):
    """A new user with their first password (at least 12 characters)."""

    password: Password


class UserUpdate(SQLModel):
    """A partial change; send the version you read."""

    version: Version
    full_name: Name | None = None
    is_active: Flag | None = None
    password: Password | None = None


class UserRead(SQLModel):
    """A user as the API returns it."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    supplier_id: uuid.UUID | None
    is_active: bool
    created_at: datetime
    version: int
