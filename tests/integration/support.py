"""Shared pieces for the service tests: a council with staff in every role, and input builders."""

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import DomainError, InputError
from procurement.models import Organisation, Supplier, Tender, User
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.tender import TenderCreate
from procurement.services.auth import LoginPolicy, hash_password, principal_for
from tests.factories import PASSWORD, make_organisation, make_supplier, make_tender, make_user

STAFF_ROLES = [Role.ADMIN, Role.PROCUREMENT, Role.EVALUATOR, Role.FINANCE]
POLICY = LoginPolicy(attempts=3, window=timedelta(minutes=15))


@dataclass(frozen=True)
class Council:
    """An organisation with one member of staff in each staff role."""

    organisation: Organisation
    users: dict[Role, User]

    def as_role(self, role: Role) -> Principal:
        """The member of staff holding the role, as a request identity."""
        return principal_for(self.users[role])

    @property
    def admin(self) -> Principal:
        """The administrator."""
        return self.as_role(Role.ADMIN)

    @property
    def officer(self) -> Principal:
        """The procurement officer."""
        return self.as_role(Role.PROCUREMENT)

    @property
    def officer_user(self) -> User:
        """The procurement officer's account, for factories that record who created what."""
        return self.users[Role.PROCUREMENT]


async def make_council(
    session: AsyncSession, name: str, local_area: list[str] | None = None
) -> Council:
    """An organisation and a user for each staff role."""
    organisation = await make_organisation(session, name, local_area)
    users = {role: await make_user(session, organisation, role) for role in STAFF_ROLES}
    for user in users.values():
        user.password_hash = hash_password(PASSWORD)  # at the cost these tests hash with
    await session.commit()
    return Council(organisation, users)


async def supplier_account(
    session: AsyncSession, council: Council, **supplier: Any
) -> tuple[Supplier, Principal]:
    """A supplier of the council and the principal of a user who bids for it."""
    row = await make_supplier(session, council.organisation, **supplier)
    user = await make_user(session, council.organisation, Role.SUPPLIER, supplier=row)
    return row, principal_for(user)


def tender_data(
    reference: str = "NBC/2026/001",
    title: str = "Street lighting maintenance",
    deadline_in: timedelta = timedelta(days=30),
    estimated_value: str = "250000.00",
) -> TenderCreate:
    """Valid input for a new draft tender."""
    return TenderCreate(
        reference=reference,
        title=title,
        description="Maintain the borough's street lights",
        cpv_codes=["50232100-1"],
        estimated_value=Decimal(estimated_value),
        submission_deadline=utc_now() + deadline_in,
    )


def field_of(error: InputError) -> str:
    """The one field an input error is about."""
    assert len(error.errors) == 1, error.errors
    return error.errors[0].field


async def open_tender(
    session: AsyncSession, council: Council, deadline_in: timedelta = timedelta(days=14)
) -> Tender:
    """A published tender taking bids."""
    return await make_tender(
        session,
        council.organisation,
        council.officer_user,
        TenderStatus.OPEN,
        deadline_in=deadline_in,
    )


async def each_refused(
    error: type[DomainError], *attempts: Awaitable[object], code: str | None = None
) -> list[DomainError]:
    """Await each attempt in turn, asserting that it raises `error` (with `code`, when given)."""
    refusals: list[DomainError] = []
    for attempt in attempts:
        with pytest.raises(error) as caught:
            await attempt
        assert code is None or caught.value.code == code, caught.value
        refusals.append(caught.value)
    return refusals
