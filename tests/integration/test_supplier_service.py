"""SupplierService: the register, company numbers unique per council, locality derived."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import (
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    StaleVersionError,
)
from procurement.schemas.organisation import OrganisationUpdate
from procurement.schemas.supplier import SupplierCreate, SupplierUpdate
from procurement.services.organisations import OrganisationService
from procurement.services.suppliers import SupplierService
from tests.factories import make_bid, make_supplier, make_tender
from tests.integration.support import Council, field_of, supplier_account


def _supplier(name: str = "Nene Builders Ltd", **fields: object) -> SupplierCreate:
    return SupplierCreate.model_validate({"name": name, "postcode": "NN8 4EG"} | fields)


@pytest.mark.parametrize(
    ("typed", "stored", "is_local"),
    [
        ("nn8 4eg", "NN8 4EG", True),
        ("NE296QF", "NE29 6QF", True),
        ("NN80 1AA", "NN80 1AA", False),
        ("LE1 6ZG", "LE1 6ZG", False),
    ],
)
async def test_is_local_comes_from_the_organisations_local_area(
    session: AsyncSession, council: Council, typed: str, stored: str, is_local: bool
) -> None:
    created = await SupplierService(session, council.officer).create(_supplier(postcode=typed))
    assert (created.postcode, created.is_local) == (stored, is_local)


async def test_changing_the_local_area_changes_who_is_local(
    session: AsyncSession, council: Council
) -> None:
    service = SupplierService(session, council.officer)
    supplier = await service.create(_supplier(postcode="LE1 6ZG"))
    await OrganisationService(session, council.admin).update(
        council.organisation.id, OrganisationUpdate(version=1, local_area=["LE"])
    )
    assert (await service.get(supplier.id)).is_local


async def test_moving_a_supplier_recomputes_is_local(
    session: AsyncSession, council: Council
) -> None:
    service = SupplierService(session, council.officer)
    supplier = await service.create(_supplier())
    moved = await service.update(supplier.id, SupplierUpdate(version=1, postcode="le1 6zg"))
    assert (moved.postcode, moved.is_local, moved.version) == ("LE1 6ZG", False, 2)


async def test_company_number_is_unique_within_an_organisation_only(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    await SupplierService(session, council.officer).create(
        _supplier(companies_house_number="1234567")
    )
    with pytest.raises(InputError) as caught:
        await SupplierService(session, council.admin).create(
            _supplier("Copycat Ltd", companies_house_number="01234567")
        )
    assert field_of(caught.value) == "companies_house_number"
    elsewhere = await SupplierService(session, other_council.officer).create(
        _supplier(companies_house_number="01234567")
    )
    assert elsewhere.companies_house_number == "01234567"


async def test_update_may_keep_or_clear_a_company_number_but_not_take_anothers(
    session: AsyncSession, council: Council
) -> None:
    service = SupplierService(session, council.officer)
    first = await service.create(_supplier("First Ltd", companies_house_number="SC123456"))
    second = await service.create(_supplier("Second Ltd", companies_house_number="SC654321"))
    with pytest.raises(InputError):
        await service.update(
            second.id, SupplierUpdate(version=1, companies_house_number="sc123456")
        )
    kept = await service.update(
        first.id, SupplierUpdate(version=1, companies_house_number="SC123456", is_vcse=True)
    )
    assert kept.is_vcse
    cleared = await service.update(
        second.id, SupplierUpdate(version=1, companies_house_number=None)
    )
    assert cleared.companies_house_number is None


async def test_required_fields_cannot_be_emptied(session: AsyncSession, council: Council) -> None:
    service = SupplierService(session, council.officer)
    supplier = await service.create(_supplier())
    with pytest.raises(InputError) as caught:
        await service.update(supplier.id, SupplierUpdate(version=1, name=None))
    assert field_of(caught.value) == "name"


async def test_update_from_a_stale_read_is_refused(session: AsyncSession, council: Council) -> None:
    service = SupplierService(session, council.officer)
    supplier = await service.create(_supplier())
    await service.update(supplier.id, SupplierUpdate(version=1, name="Renamed Ltd"))
    with pytest.raises(StaleVersionError):
        await service.update(supplier.id, SupplierUpdate(version=1, name="Late Ltd"))


async def test_list_is_by_name_searchable_by_name_or_number_and_paged(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    for name, number in [
        ("Charlie Ltd", "00000003"),
        ("Alpha Ltd", "00000001"),
        ("Bravo Ltd", None),
    ]:
        await make_supplier(session, council.organisation, name, companies_house_number=number)
    await make_supplier(session, other_council.organisation, "Alpha Elsewhere Ltd")
    service = SupplierService(session, council.as_role(Role.FINANCE))
    page = await service.list(limit=2, offset=1)
    assert ([s.name for s in page.items], page.total) == (["Bravo Ltd", "Charlie Ltd"], 3)
    by_name = await service.list(limit=10, offset=0, search="alpha")
    assert [s.name for s in by_name.items] == ["Alpha Ltd"]
    by_number = await service.list(limit=10, offset=0, search="0003")
    assert [s.name for s in by_number.items] == ["Charlie Ltd"]


async def test_a_supplier_user_reads_its_own_supplier_and_no_other(
    session: AsyncSession, council: Council
) -> None:
    own, bidder = await supplier_account(session, council)
    rival = await make_supplier(session, council.organisation)
    service = SupplierService(session, bidder)
    assert (await service.get(own.id)).name == own.name
    with pytest.raises(ForbiddenError, match=r"^role_forbidden:"):
        await service.get(rival.id)
    with pytest.raises(ForbiddenError, match=r"^role_forbidden:"):
        await service.list(limit=10, offset=0)


async def test_a_supplier_with_users_or_bids_is_kept(
    session: AsyncSession, council: Council
) -> None:
    with_user, _ = await supplier_account(session, council)
    with_bid = await make_supplier(session, council.organisation)
    tender = await make_tender(
        session, council.organisation, council.officer_user, TenderStatus.OPEN
    )
    await make_bid(session, tender, with_bid, council.officer_user)
    service = SupplierService(session, council.admin)
    for held in (with_user, with_bid):
        with pytest.raises(ConflictError, match=r"^supplier_in_use:"):
            await service.delete(held.id)


async def test_an_unused_supplier_is_deleted(session: AsyncSession, council: Council) -> None:
    service = SupplierService(session, council.admin)
    supplier = await service.create(_supplier())
    await service.delete(supplier.id)
    with pytest.raises(NotFoundError):
        await service.get(supplier.id)
