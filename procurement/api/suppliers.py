"""The supplier register."""

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.common import Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.schemas.supplier import SupplierCreate, SupplierRead, SupplierUpdate
from procurement.services.suppliers import SupplierService


class SupplierController(Controller):
    """CRUD for suppliers."""

    path = "/api/v1/suppliers"
    tags = ["suppliers"]

    @get(operation_id="listSuppliers", responses=ERROR_RESPONSES)
    async def list_suppliers(
        self,
        suppliers: NamedDependency[SupplierService],
        paging: NamedDependency[Paging],
        q: Annotated[
            str | None,
            QueryParameter(
                max_length=200, pattern=SINGLE_LINE, description="Name or company number"
            ),
        ] = None,
    ) -> Page[SupplierRead]:
        """Suppliers by name."""
        return await suppliers.list(paging.limit, paging.offset, q)

    @post(operation_id="createSupplier", responses=ERROR_RESPONSES)
    async def create_supplier(
        self, suppliers: NamedDependency[SupplierService], data: JSONBody[SupplierCreate]
    ) -> SupplierRead:
        """Add a supplier."""
        return await suppliers.create(data)

    @get("/{supplier_id:uuid}", operation_id="getSupplier", responses=ERROR_RESPONSES)
    async def get_supplier(
        self, suppliers: NamedDependency[SupplierService], supplier_id: FromPath[uuid.UUID]
    ) -> SupplierRead:
        """One supplier."""
        return await suppliers.get(supplier_id)

    @patch("/{supplier_id:uuid}", operation_id="updateSupplier", responses=ERROR_RESPONSES)
    async def update_supplier(
        self,
        suppliers: NamedDependency[SupplierService],
        supplier_id: FromPath[uuid.UUID],
        data: JSONBody[SupplierUpdate],
    ) -> SupplierRead:
        """Correct a supplier's details."""
        return await suppliers.update(supplier_id, data)

    @delete("/{supplier_id:uuid}", operation_id="deleteSupplier", responses=ERROR_RESPONSES)
    async def delete_supplier(
        self, suppliers: NamedDependency[SupplierService], supplier_id: FromPath[uuid.UUID]
    ) -> None:
        """Remove a supplier that never bid."""
        await suppliers.delete(supplier_id)
