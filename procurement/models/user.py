"""Users, their API tokens and page sessions, and sign-in throttle counters."""

import uuid
from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.domain.roles import Role
from procurement.models.base import Entity, enum_column, optional_timestamp, utc_now


class User(Entity, table=True):
    """Someone who signs in. Emails are stored lower-case and are unique."""

    __tablename__ = "user_account"

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=320, unique=True)
    full_name: str = Field(max_length=200)
    role: Role = enum_column(Role)
    supplier_id: uuid.UUID | None = Field(default=None, foreign_key="supplier.id", index=True)
    password_hash: str = Field(max_length=200)
    is_active: bool = Field(default=True)


class ApiToken(SQLModel, table=True):
    """A bearer token. Only its SHA-256 is stored; the secret is shown once."""

    __tablename__ = "api_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    expires_at: datetime = Field(sa_type=DateTimeUTC(timezone=True), nullable=False)
    revoked_at: datetime | None = optional_timestamp()


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored.

    Deleting the row ends the session at once (sign-out, password change, deactivation).
    """

    __tablename__ = "web_session"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    last_seen_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    expires_at: datetime = Field(sa_type=DateTimeUTC(timezone=True), nullable=False)


class SignInThrottle(SQLModel, table=True):
    """Recent failed sign-ins of one subject: an account, an address, or both.

    Kept in the database so every worker process sees, and locks, the same counter.
    """

    __tablename__ = "sign_in_throttle"

    # The scope and a SHA-256 of the subject, so any email typed fits the column.
    key: str = Field(max_length=100, primary_key=True)
    failures: int = Field(default=0)
    last_attempt_at: datetime = Field(sa_type=DateTimeUTC(timezone=True), nullable=False)
