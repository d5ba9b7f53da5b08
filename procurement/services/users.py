"""User accounts within an organisation, managed by its administrators."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import ApiToken, Supplier, User
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.user import UserCreate, UserRead, UserUpdate
from procurement.services.auth import hash_password
from procurement.services.queries import check_version, commit_unique, fetch_page, get_owned

EMAIL_TAKEN = "A user with this email already exists"


def _read(row: User) -> UserRead:
    return UserRead.model_validate(row, from_attributes=True)


class UserService:
    """Creates, lists and changes user accounts in the caller's organisation."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def list(self, limit: int, offset: int) -> Page[UserRead]:
        """Users of the organisation, by email."""
        self.actor.require(Permission.MANAGE_USERS)
        statement = (
            sa.select(User)
            .where(col(User.organisation_id) == self.actor.organisation_id)
            .order_by(col(User.email))
        )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        return Page(items=[_read(r) for r in rows], total=total, limit=limit, offset=offset)

    async def get(self, user_id: uuid.UUID) -> UserRead:
        """One user of the organisation."""
        self.actor.require(Permission.MANAGE_USERS)
        return _read(
            await get_owned(self.session, User, user_id, self.actor.organisation_id, "User")
        )

    async def create(self, data: UserCreate) -> UserRead:
        """Add a user with a role (and, for suppliers, the supplier they act for)."""
        self.actor.require(Permission.MANAGE_USERS)
        return _read(await create_user(self.session, self.actor.organisation_id, data))

    async def update(self, user_id: uuid.UUID, data: UserUpdate) -> UserRead:
        """Rename, (de)activate or reset the password of a user."""
        self.actor.require(Permission.MANAGE_USERS)
        row = await get_owned(
            self.session, User, user_id, self.actor.organisation_id, "User", for_update=True
        )
        check_version("The user", row.version, data.version)
        if data.is_active is False and row.id == self.actor.user_id:
            raise ConflictError(
                "You cannot deactivate your own account", code="cannot_deactivate_self"
            )
        if data.full_name is not None:
            row.full_name = data.full_name
        if data.is_active is not None:
            row.is_active = data.is_active
        if data.password is not None:
            row.password_hash = hash_password(data.password)
        if data.is_active is False or data.password is not None:
            await revoke_tokens(self.session, row.id)
        row.touch()
        await self.session.commit()
        return _read(row)

    async def deactivate(self, user_id: uuid.UUID) -> None:
        """Stop a user signing in; the account is kept because records name it."""
        self.actor.require(Permission.MANAGE_USERS)
        row = await get_owned(
            self.session, User, user_id, self.actor.organisation_id, "User", for_update=True
        )
        if row.id == self.actor.user_id:
            raise ConflictError(
                "You cannot deactivate your own account", code="cannot_deactivate_self"
            )
        row.is_active = False
        row.touch()
        await revoke_tokens(self.session, row.id)
        await self.session.commit()


async def revoke_tokens(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Make every live token of the user unusable (password change, deactivation)."""
    await session.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utc_now())
    )


async def create_user(session: AsyncSession, organisation_id: uuid.UUID, data: UserCreate) -> User:
    """Insert a user after checking the email is free and the supplier link is ours.

    Shared by the API and the `procurement users create` command, which has no actor.
    """
    email = data.email.lower()
    if await session.scalar(sa.select(col(User.id)).where(col(User.email) == email)):
        raise InputError.single("email", EMAIL_TAKEN)
    if data.supplier_id is not None:
        supplier = await session.scalar(
            sa.select(col(Supplier.id)).where(
                col(Supplier.id) == data.supplier_id,
                col(Supplier.organisation_id) == organisation_id,
            )
        )
        if supplier is None:
            raise InputError.single("supplier_id", "No such supplier in this organisation")
    row = User(
        organisation_id=organisation_id,
        email=email,
        full_name=data.full_name,
        role=data.role,
        supplier_id=data.supplier_id,
        password_hash=hash_password(data.password),
    )
    session.add(row)
    await commit_unique(session, "email", EMAIL_TAKEN)
    return row


async def set_password(session: AsyncSession, email: str, password: str) -> None:
    """Reset a user's password from the command line and sign out their API tokens."""
    user = await session.scalar(sa.select(User).where(col(User.email) == email.lower()))
    if user is None:
        raise NotFoundError(f"User {email}")
    user.password_hash = hash_password(password)
    user.touch()
    await revoke_tokens(session, user.id)
    await session.commit()
