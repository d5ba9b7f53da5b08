"""The supplier register."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.postcodes import is_in_local_area
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, InputError
from procurement.models import Bid, Organisation, Supplier, User
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.supplier import SupplierCreate, SupplierRead, SupplierUpdate
from procurement.services.queries import (
    check_version,
    commit_unique,
    count_referencing,
    fetch_page,
    get_owned,
)

NUMBER_TAKEN = "Another supplier already has this company number"


def supplier_read(row: Supplier, local_area: list[str]) -> SupplierRead:
    """The API shape of a supplier, with `is_local` derived from the local area."""
    return SupplierRead.model_validate(
        {**row.model_dump(), "is_local": is_in_local_area(row.postcode, local_area)}
    )


class SupplierService:
    """Records and lists the organisation's suppliers."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def _local_area(self) -> list[str]:
        organisation = await self.session.get(Organisation, self.actor.organisation_id)
        return organisation.local_area if organisation else []

    async def list(self, limit: int, offset: int, search: str | None = None) -> Page[SupplierRead]:
        """Suppliers by name, optionally filtered by name or company number."""
        self.actor.require(Permission.READ_SUPPLIERS)
        statement = (
            sa.select(Supplier)
            .where(col(Supplier.organisation_id) == self.actor.organisation_id)
            .order_by(col(Supplier.name), col(Supplier.id))
        )
        if search:
            # PostgreSQL text cannot hold NUL; a NUL typed into a search box matches nothing else
            text = search.replace("\x00", "").strip()
            statement = statement.where(
                sa.or_(
                    col(Supplier.name).icontains(text, autoescape=True),
                    col(Supplier.companies_house_number).icontains(text, autoescape=True),
                )
            )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        area = await self._local_area()
        return Page(
            items=[supplier_read(r, area) for r in rows], total=total, limit=limit, offset=offset
        )

    async def get(self, supplier_id: uuid.UUID) -> SupplierRead:
        """One supplier."""
        if self.actor.supplier_id != supplier_id:
            self.actor.require(Permission.READ_SUPPLIERS)
        row = await get_owned(
            self.session, Supplier, supplier_id, self.actor.organisation_id, "Supplier"
        )
        return supplier_read(row, await self._local_area())

    async def _check_company_number_free(
        self, number: str | None, except_id: uuid.UUID | None = None
    ) -> None:
        if number is None:
            return
        clash = await self.session.scalar(
            sa.select(col(Supplier.id)).where(
                col(Supplier.organisation_id) == self.actor.organisation_id,
                col(Supplier.companies_house_number) == number,
            )
        )
        if clash is not None and clash != except_id:
            raise InputError.single("companies_house_number", NUMBER_TAKEN)

    async def create(self, data: SupplierCreate) -> SupplierRead:
        """Add a supplier to the register."""
        self.actor.require(Permission.MANAGE_SUPPLIERS)
        await self._check_company_number_free(data.companies_house_number)
        row = Supplier(organisation_id=self.actor.organisation_id, **data.model_dump())
        self.session.add(row)
        await commit_unique(self.session, "companies_house_number", NUMBER_TAKEN)
        return supplier_read(row, await self._local_area())

    async def update(self, supplier_id: uuid.UUID, data: SupplierUpdate) -> SupplierRead:
        """Correct a supplier's details."""
        self.actor.require(Permission.MANAGE_SUPPLIERS)
        row = await get_owned(
            self.session,
            Supplier,
            supplier_id,
            self.actor.organisation_id,
            "Supplier",
            for_update=True,
        )
        check_version("The supplier", row.version, data.version)
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        if "companies_house_number" in changes:
            await self._check_company_number_free(changes["companies_house_number"], row.id)
        for name, value in changes.items():
            if value is None and name != "companies_house_number":
                raise InputError.single(name, "This field cannot be empty")
            setattr(row, name, value)
        row.touch()
        await commit_unique(self.session, "companies_house_number", NUMBER_TAKEN)
        return supplier_read(row, await self._local_area())

    async def delete(self, supplier_id: uuid.UUID) -> None:
        """Remove a supplier that has never bid and has no users."""
        self.actor.require(Permission.MANAGE_SUPPLIERS)
        row = await get_owned(
            self.session,
            Supplier,
            supplier_id,
            self.actor.organisation_id,
            "Supplier",
            for_update=True,
        )
        for column, what in (
            (col(Bid.supplier_id), "bids"),
            (col(User.supplier_id), "user accounts"),
        ):
            held = await count_referencing(self.session, column, supplier_id)
            if held:
                raise ConflictError(f"The supplier has {held} {what}", code="supplier_in_use")
        await self.session.delete(row)
        await self.session.commit()
