"""OrganisationService: each council sees and edits only itself; administrators onboard others."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Role
from procurement.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    StaleVersionError,
)
from procurement.models import User
from procurement.schemas.organisation import (
    FirstAdministrator,
    OrganisationCreate,
    OrganisationUpdate,
)
from procurement.services.auth import AuthService
from procurement.services.organisations import OrganisationService
from tests.factories import PASSWORD, make_supplier, token_for
from tests.integration.support import POLICY, STAFF_ROLES, Council, field_of


def _onboarding(email: str = "Chief@new-council.example.com") -> OrganisationCreate:
    return OrganisationCreate(
        name="New Council",
        local_area=["ne", "NE", "nn8"],
        administrator=FirstAdministrator(email=email, full_name="Chief", password=PASSWORD),
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
async def test_every_staff_role_sees_only_its_own_organisation(
    session: AsyncSession, council: Council, other_council: Council, role: Role
) -> None:
    service = OrganisationService(session, council.as_role(role))
    page = await service.list(limit=10, offset=0)
    assert [o.id for o in page.items] == [council.organisation.id]
    assert page.total == 1
    assert (await service.get(council.organisation.id)).name == "Test Borough Council"


async def test_admin_onboards_a_separate_tenant_whose_administrator_can_sign_in(
    session: AsyncSession, council: Council
) -> None:
    service = OrganisationService(session, council.admin)
    created = await service.create(_onboarding())
    assert created.local_area == ["NE", "NN8"]
    chief = await AuthService(session).authenticate(
        "chief@new-council.example.com", PASSWORD, POLICY
    )
    assert (chief.organisation_id, chief.role) == (created.id, Role.ADMIN)
    with pytest.raises(NotFoundError):
        await service.get(created.id)


async def test_onboarding_refuses_an_administrator_email_already_in_use(
    session: AsyncSession, council: Council
) -> None:
    service = OrganisationService(session, council.admin)
    await service.create(_onboarding("chief@new-council.example.com"))
    with pytest.raises(InputError) as caught:
        await service.create(_onboarding("CHIEF@new-council.example.com"))
    assert field_of(caught.value) == "administrator.email"


async def test_update_changes_name_and_local_area_and_bumps_the_version(
    session: AsyncSession, council: Council
) -> None:
    updated = await OrganisationService(session, council.admin).update(
        council.organisation.id,
        OrganisationUpdate(version=1, name="Renamed Council", local_area=["le1", "nn10"]),
    )
    assert (updated.name, updated.local_area, updated.version) == (
        "Renamed Council",
        ["LE1", "NN10"],
        2,
    )


async def test_update_from_a_stale_read_is_refused(session: AsyncSession, council: Council) -> None:
    service = OrganisationService(session, council.admin)
    await service.update(council.organisation.id, OrganisationUpdate(version=1, name="First"))
    with pytest.raises(StaleVersionError) as caught:
        await service.update(council.organisation.id, OrganisationUpdate(version=1, name="Late"))
    assert caught.value.extra == {"current_version": 2}
    assert (await service.get(council.organisation.id)).name == "First"


async def test_organisation_holding_suppliers_cannot_be_closed(
    session: AsyncSession, council: Council
) -> None:
    await make_supplier(session, council.organisation)
    with pytest.raises(ConflictError, match=r"^organisation_in_use:"):
        await OrganisationService(session, council.admin).delete(council.organisation.id)


async def test_closing_an_empty_organisation_removes_its_users_and_tokens(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    token = await token_for(session, council.users[Role.EVALUATOR])
    await OrganisationService(session, council.admin).delete(council.organisation.id)
    assert await AuthService(session).principal_from_token(token) is None
    remaining = await session.scalars(sa.select(col(User.organisation_id)).distinct())
    assert set(remaining) == {other_council.organisation.id}
