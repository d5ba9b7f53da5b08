"""User accounts within an organisation, managed by its administrators."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.passwords import require_hard_to_guess
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import ApiToken, Supplier, User
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.user import UserCreate, UserRead, UserUpdate
from procurement.services.auth import end_sessions, hash_password_in_thread
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
        if data.password is not None:
            require_hard_to_guess(data.password)
        # Hashed before the transaction begins, so the slow hash holds no lock.
        new_hash = None if data.password is None else await hash_password_in_thread(data.password)
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
        if new_hash is not None:
            row.password_hash = new_hash
        if data.is_active is False or new_hash is not None:
            await sign_out_everywhere(self.session, row.id)
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
        await sign_out_everywhere(self.session, row.id)
        await self.session.commit()


async def sign_out_everywhere(session: AsyncSession, user_id: uuid.UUID) -> None:
    """End every page session and revoke every live token of the user (password change,
    deactivation); the caller commits."""
    await end_sessions(session, user_id)
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
    require_hard_to_guess(data.password)
    # Hashed before the transaction begins, so the slow hash holds no lock.
    password_hash = await hash_password_in_thread(data.password)
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
        password_hash=password_hash,
    )
    session.add(row)
    await commit_unique(session, "email", EMAIL_TAKEN)
    return row


async def set_password(session: AsyncSession, email: str, password: str) -> None:
    """Reset a user's password from the command line, ending their sessions and tokens."""
    require_hard_to_guess(password)
    password_hash = await hash_password_in_thread(password)
    user = await session.scalar(sa.select(User).where(col(User.email) == email.lower()))
    if user is None:
        raise NotFoundError(f"User {email}")
    user.password_hash = password_hash
    user.touch()
    await sign_out_everywhere(session, user.id)
    await session.commit()
