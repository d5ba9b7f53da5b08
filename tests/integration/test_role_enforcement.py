"""Each role does its own work only: every other role is refused with role_forbidden."""

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction
from procurement.domain.roles import Role
from procurement.errors import ForbiddenError
from procurement.principal import Principal
from procurement.schemas.organisation import (
    FirstAdministrator,
    OrganisationCreate,
    OrganisationUpdate,
)
from procurement.schemas.supplier import SupplierCreate, SupplierUpdate
from procurement.schemas.tender import TenderTransition, TenderUpdate
from procurement.schemas.user import UserCreate, UserUpdate
from procurement.services.organisations import OrganisationService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderService
from procurement.services.users import UserService
from tests.factories import PASSWORD, make_supplier, make_tender
from tests.integration.support import STAFF_ROLES, Council, each_refused, tender_data

Attempts = Callable[[AsyncSession, Principal, Council], Awaitable[list[Awaitable[object]]]]


async def _organisation_changes(
    session: AsyncSession, actor: Principal, council: Council
) -> list[Awaitable[object]]:
    service, own = OrganisationService(session, actor), council.organisation.id
    admin = FirstAdministrator(email="chief@new.example.com", full_name="Chief", password=PASSWORD)
    return [
        service.create(OrganisationCreate(name="New Council", administrator=admin)),
        service.update(own, OrganisationUpdate(version=1, name="Renamed")),
        service.delete(own),
    ]


async def _user_management(
    session: AsyncSession, actor: Principal, council: Council
) -> list[Awaitable[object]]:
    service, someone = UserService(session, actor), council.users[Role.ADMIN].id
    new = UserCreate(
        email="new@council.example.com", full_name="New", role=Role.FINANCE, password=PASSWORD
    )
    return [
        service.list(10, 0),
        service.get(someone),
        service.create(new),
        service.update(someone, UserUpdate(version=1, full_name="Renamed")),
        service.deactivate(someone),
    ]


async def _supplier_changes(
    session: AsyncSession, actor: Principal, council: Council
) -> list[Awaitable[object]]:
    supplier = await make_supplier(session, council.organisation)
    service = SupplierService(session, actor)
    return [
        service.create(SupplierCreate(name="New Ltd", postcode="NN8 4EG")),
        service.update(supplier.id, SupplierUpdate(version=1, name="Renamed")),
        service.delete(supplier.id),
    ]


async def _tender_changes(
    session: AsyncSession, actor: Principal, council: Council
) -> list[Awaitable[object]]:
    tender = await make_tender(session, council.organisation, council.officer_user)
    service = TenderService(session, actor)
    return [
        service.create(tender_data()),
        service.update(tender.id, TenderUpdate(version=1, title="Changed")),
        service.delete(tender.id),
        service.transition(tender.id, TenderAction.PUBLISH, TenderTransition()),
    ]


# Which staff roles each kind of work refuses (suppliers are covered with their own rules).
REFUSED: list[tuple[Attempts, list[Role]]] = [
    (_organisation_changes, [Role.PROCUREMENT, Role.EVALUATOR, Role.FINANCE]),
    (_user_management, [Role.PROCUREMENT, Role.EVALUATOR, Role.FINANCE]),
    (_supplier_changes, [Role.EVALUATOR, Role.FINANCE]),
    (_tender_changes, [Role.ADMIN, Role.EVALUATOR, Role.FINANCE]),
]


@pytest.mark.parametrize(
    ("attempts", "role"),
    [(attempts, role) for attempts, roles in REFUSED for role in roles],
    ids=lambda v: v.__name__.strip("_") if callable(v) else str(v),
)
async def test_work_outside_a_role_is_refused(
    session: AsyncSession, council: Council, attempts: Attempts, role: Role
) -> None:
    actor = council.as_role(role)
    await each_refused(
        ForbiddenError, *await attempts(session, actor, council), code="role_forbidden"
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
async def test_every_staff_role_reads_suppliers_and_tenders(
    session: AsyncSession, council: Council, role: Role
) -> None:
    supplier = await make_supplier(session, council.organisation)
    tender = await make_tender(session, council.organisation, council.officer_user)
    actor = council.as_role(role)
    assert (await SupplierService(session, actor).get(supplier.id)).id == supplier.id
    assert (await TenderService(session, actor).get(tender.id)).id == tender.id
