"""Supplier register pages: search, add and correct suppliers."""

import uuid
from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.schemas.supplier import SupplierCreate, SupplierRead, SupplierUpdate
from procurement.services.suppliers import SupplierService
from procurement.web.access import requires
from procurement.web.forms import (
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    is_checked,
    present,
    read_form,
    whole_number,
)
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    flash,
    page_offset,
    pagination,
    render,
    see_other,
)

SUPPLIER_FORM = FormSpec(
    name=FieldSpec("Name", required="Enter the supplier's name"),
    companies_house_number=FieldSpec("Companies House number"),
    postcode=FieldSpec("Postcode", required="Enter the postcode"),
    is_sme=FieldSpec("Small or medium-sized enterprise"),
    is_vcse=FieldSpec("Voluntary, community or social enterprise"),
)
FLAGS = ("is_sme", "is_vcse")
MANAGERS = requires(Permission.MANAGE_SUPPLIERS)


def _supplier_data(values: Mapping[str, str]) -> dict[str, Any]:
    """The schema input from the posted form; a blank company number means there is none."""
    data: dict[str, Any] = present(values, "name", "postcode", "companies_house_number")
    data.setdefault("companies_house_number", None)
    return data | {flag: is_checked(values, flag) for flag in FLAGS}


def _form_values(supplier: SupplierRead) -> dict[str, str]:
    """A stored supplier as the form shows it (ticked boxes are present, unticked absent)."""
    values = {
        "name": supplier.name,
        "companies_house_number": supplier.companies_house_number or "",
        "postcode": supplier.postcode,
        "version": str(supplier.version),
    }
    return values | {flag: "true" for flag in FLAGS if getattr(supplier, flag)}


def _form_page(
    request: Req, form: Form, supplier: SupplierRead | None = None, status_code: int = 200
) -> Template:
    return render(
        request, "pages/suppliers/form.html", form=form, supplier=supplier, status_code=status_code
    )


class SupplierPages(Controller):
    """The supplier register as pages."""

    path = "/suppliers"
    include_in_schema = False

    @get("/")
    async def supplier_list(
        self,
        request: Req,
        suppliers: NamedDependency[SupplierService],
        actor: NamedDependency[Principal],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        """Suppliers by name, searchable by name or company number."""
        found = await suppliers.list(PAGE_SIZE, page_offset(page), search=q or None)
        return render(
            request,
            "pages/suppliers/list.html",
            suppliers=found,
            q=q,
            can_manage=actor.can(Permission.MANAGE_SUPPLIERS),
            pagination=pagination("/suppliers", {"q": q}, page, found.total),
        )

    @get("/new", guards=MANAGERS)
    async def new_supplier(self, request: Req) -> Template:
        """The form for a new supplier."""
        return _form_page(request, Form())

    @post("/new", guards=MANAGERS)
    async def create_supplier(
        self, request: Req, suppliers: NamedDependency[SupplierService]
    ) -> Template | Redirect:
        """Add the supplier, or show the form again with what to fix."""
        values = await read_form(request)
        outcome = await attempt(
            SUPPLIER_FORM, SupplierCreate, _supplier_data(values), suppliers.create
        )
        if outcome.result is None:
            return _form_page(request, Form(values, outcome.errors), None, outcome.status_code)
        flash(request, "Supplier added", f"{outcome.result.name} is on the register.")
        return see_other("/suppliers")

    @get("/{supplier_id:uuid}/edit", guards=MANAGERS)
    async def edit_supplier(
        self,
        request: Req,
        supplier_id: FromPath[uuid.UUID],
        suppliers: NamedDependency[SupplierService],
    ) -> Template:
        """The supplier form, filled in."""
        supplier = await suppliers.get(supplier_id)
        return _form_page(request, Form(_form_values(supplier)), supplier)

    @post("/{supplier_id:uuid}/edit", guards=MANAGERS)
    async def update_supplier(
        self,
        request: Req,
        supplier_id: FromPath[uuid.UUID],
        suppliers: NamedDependency[SupplierService],
    ) -> Template | Redirect:
        """Save the changes, unless someone else changed the supplier first."""
        values = await read_form(request)

        async def save(details: SupplierCreate) -> SupplierRead:
            change = SupplierUpdate.model_validate(
                {**details.model_dump(), "version": whole_number(values.get("version"))}
            )
            return await suppliers.update(supplier_id, change)

        outcome = await attempt(SUPPLIER_FORM, SupplierCreate, _supplier_data(values), save)
        if outcome.result is None:
            supplier = await suppliers.get(supplier_id)
            return _form_page(request, Form(values, outcome.errors), supplier, outcome.status_code)
        flash(request, "Supplier saved", f"{outcome.result.name} has been updated.")
        return see_other("/suppliers")
