"""Organisations: the tenant record and its local area."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.passwords import require_hard_to_guess
from procurement.domain.roles import Permission, Role
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import (
    ApiToken,
    AuditChainHead,
    Measure,
    MeasureValue,
    Organisation,
    Supplier,
    Tender,
    User,
    WeightingTemplate,
)
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.organisation import (
    OrganisationBase,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)
from procurement.services.auth import hash_password_in_thread
from procurement.services.queries import check_version, commit_unique, count_referencing
from procurement.services.users import EMAIL_TAKEN
from scoring.validation import Severity, SocialValuePolicy


def _read(row: Organisation) -> OrganisationRead:
    return OrganisationRead.model_validate(row, from_attributes=True)


def social_value_policy(organisation: Organisation) -> SocialValuePolicy:
    """The organisation's minimum social value share, and whether it blocks publishing."""
    return SocialValuePolicy(
        minimum_percent=organisation.social_value_minimum_percent,
        severity=Severity(organisation.social_value_policy),
    )


class OrganisationService:
    """Reads and edits organisations. Users only ever see their own."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def _own(self, organisation_id: uuid.UUID, *, for_update: bool = False) -> Organisation:
        if organisation_id != self.actor.organisation_id:
            raise NotFoundError("Organisation")
        statement = sa.select(Organisation).where(col(Organisation.id) == organisation_id)
        if for_update:
            statement = statement.with_for_update()
        row = await self.session.scalar(statement)
        if row is None:
            raise NotFoundError("Organisation")
        return row

    async def list(self, limit: int, offset: int) -> Page[OrganisationRead]:
        """The caller's organisation, as a one-item page."""
        row = await self._own(self.actor.organisation_id)
        items = [_read(row)][offset : offset + limit]
        return Page(items=items, total=1, limit=limit, offset=offset)

    async def get(self, organisation_id: uuid.UUID) -> OrganisationRead:
        """One organisation, if it is the caller's."""
        return _read(await self._own(organisation_id))

    async def create(self, data: OrganisationCreate) -> OrganisationRead:
        """Onboard another organisation, with its first administrator (administrators only).

        The new organisation is a separate tenant: its administrator signs in to run it,
        and the caller cannot see into it.
        """
        self.actor.require(Permission.MANAGE_ORGANISATION)
        require_hard_to_guess(data.administrator.password, "administrator.password")
        password_hash = await hash_password_in_thread(data.administrator.password)
        email = data.administrator.email.lower()
        if await self.session.scalar(sa.select(col(User.id)).where(col(User.email) == email)):
            raise InputError.single("administrator.email", EMAIL_TAKEN)
        row = _add_organisation(self.session, data)
        await self.session.flush()
        self.session.add(
            User(
                organisation_id=row.id,
                email=email,
                full_name=data.administrator.full_name,
                role=Role.ADMIN,
                password_hash=password_hash,
            )
        )
        await commit_unique(self.session, "administrator.email", EMAIL_TAKEN)
        return _read(row)

    async def update(
        self, organisation_id: uuid.UUID, data: OrganisationUpdate
    ) -> OrganisationRead:
        """Change the name, local area or social value policy."""
        self.actor.require(Permission.MANAGE_ORGANISATION)
        row = await self._own(organisation_id, for_update=True)
        check_version("The organisation", row.version, data.version)
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        for name, value in changes.items():
            if value is not None:
                setattr(row, name, value)
        row.touch()
        await self.session.commit()
        return _read(row)

    async def delete(self, organisation_id: uuid.UUID) -> None:
        """Close the caller's organisation, when it holds no suppliers or tenders.

        Its user accounts (the caller's included) and their tokens go with it, and so do its
        measure catalogue and weighting templates.
        """
        self.actor.require(Permission.MANAGE_ORGANISATION)
        row = await self._own(organisation_id, for_update=True)
        for column, what in (
            (col(Tender.organisation_id), "tenders"),
            (col(Supplier.organisation_id), "suppliers"),
        ):
            held = await count_referencing(self.session, column, organisation_id)
            if held:
                raise ConflictError(
                    f"The organisation still has {held} {what}", code="organisation_in_use"
                )
        users = sa.select(col(User.id)).where(col(User.organisation_id) == organisation_id)
        await self.session.execute(sa.delete(ApiToken).where(col(ApiToken.user_id).in_(users)))
        await self.session.execute(
            sa.delete(User).where(col(User.organisation_id) == organisation_id)
        )
        measures = sa.select(col(Measure.id)).where(col(Measure.organisation_id) == organisation_id)
        await self.session.execute(
            sa.delete(MeasureValue).where(col(MeasureValue.measure_id).in_(measures))
        )
        for model in (Measure, WeightingTemplate):
            await self.session.execute(
                sa.delete(model).where(col(model.organisation_id) == organisation_id)
            )
        await self.session.delete(row)
        await self.session.commit()


async def create_organisation(session: AsyncSession, data: OrganisationBase) -> Organisation:
    """Insert an organisation with no users yet (the command line's first step on a deployment)."""
    row = _add_organisation(session, data)
    await session.commit()
    return row


def _add_organisation(session: AsyncSession, data: OrganisationBase) -> Organisation:
    row = Organisation(**data.model_dump(include=set(OrganisationBase.model_fields)))
    session.add(row)
    session.add(AuditChainHead(organisation_id=row.id))  # the start of its audit trail
    return row
