"""Capital programme pages: the schemes with their figures, a scheme in full, the scheme form
(funding by source and the budget by financial year as fields) and the variance explanation."""

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, create_model

from procurement.domain.capital import (
    FundingSource,
    ProjectStatus,
    financial_year_label,
    financial_year_of,
)
from procurement.domain.roles import Permission
from procurement.models import Tender
from procurement.principal import Principal
from procurement.schemas.capital_project import (
    MAX_PROFILE_YEARS,
    CapitalProjectCreate,
    CapitalProjectRead,
    CapitalProjectUpdate,
    FinancialYear,
    VarianceFlag,
)
from procurement.schemas.fields import Money, PositiveMoney
from procurement.services.capital_projects import (
    SOURCE_NAMES,
    CapitalProjectService,
    ProjectFilter,
    today,
)
from procurement.web.access import requires
from procurement.web.forms import (
    DATE_PARTS,
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    is_checked,
    money_text,
    present,
    read_form,
    whole_number,
)
from procurement.web.lists import PageNumber, Search
from procurement.web.measures import DateInput
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    flash,
    page_offset,
    pagination,
    render,
    see_other,
)

STATUS_NAMES = {
    ProjectStatus.PROPOSED: "Proposed",
    ProjectStatus.APPROVED: "Approved",
    ProjectStatus.IN_DELIVERY: "In delivery",
    ProjectStatus.COMPLETE: "Complete",
    ProjectStatus.CANCELLED: "Cancelled",
}
# Every status and flag has its own colour, but the tag text always names it too.
STATUS_TAGS = {
    ProjectStatus.PROPOSED: "govuk-tag--grey",
    ProjectStatus.APPROVED: "govuk-tag--blue",
    ProjectStatus.IN_DELIVERY: "govuk-tag--purple",
    ProjectStatus.COMPLETE: "govuk-tag--green",
    ProjectStatus.CANCELLED: "govuk-tag--red",
}
FLAG_TAGS = {
    VarianceFlag.ADVERSE: ("Adverse", "govuk-tag--red"),
    VarianceFlag.FAVOURABLE: ("Favourable", "govuk-tag--green"),
    VarianceFlag.ON_BUDGET: ("On budget", "govuk-tag--grey"),
}
START = DateInput("start_date", "Start date")
END = DateInput("end_date", "End date")
PROFILE_ROWS = 6  # rows offered for a new scheme; a stored profile gets one spare row
YEARS_BACK, YEARS_AHEAD = 5, 10


def funding_field(source: FundingSource) -> str:
    """The form field of one funding source's amount."""
    return f"funding_{source.value}"


def year_field(row: int) -> str:
    """The form field of the financial year in one profile row."""
    return f"profile_{row}_year"


def amount_field(row: int) -> str:
    """The form field of the amount in one profile row."""
    return f"profile_{row}_amount"


def tender_field(tender_id: uuid.UUID) -> str:
    """The checkbox that links an awarded tender."""
    return f"tender_{tender_id}"


PROJECT_FORM = FormSpec(
    code=FieldSpec("Code", required="Enter a code"),
    name=FieldSpec("Name", required="Enter the scheme's name"),
    description=FieldSpec("Description"),
    service_area=FieldSpec("Service area", required="Enter the service area"),
    ward=FieldSpec("Ward or locality", required="Enter the ward or locality"),
    status=FieldSpec("Status", required="Select the status"),
    start_date=FieldSpec("Start date", anchor=START.part("day")),
    end_date=FieldSpec("End date", anchor=END.part("day")),
    approved_budget=FieldSpec("Approved budget", required="Enter the approved budget"),
    forecast_outturn=FieldSpec("Forecast outturn"),
    funding=FieldSpec("Funding", anchor=funding_field(FundingSource.BORROWING)),
    **{funding_field(s): FieldSpec(name) for s, name in SOURCE_NAMES.items()},
    profile=FieldSpec("Budget by financial year", anchor=year_field(0)),
    **{
        name: FieldSpec(f"{what} in row {row + 1}")
        for row in range(MAX_PROFILE_YEARS)
        for name, what in ((year_field(row), "Financial year"), (amount_field(row), "Amount"))
    },
    tender_ids=FieldSpec("Contracts delivering the scheme", anchor="tenders"),
)
VARIANCE_FORM = FormSpec(variance_explanation=FieldSpec("Explanation"))
# Every amount and year on the form, each checked as the API would check it, so that a
# problem is reported against the very field it is in.
_Amounts: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "ProjectFormAmounts",
    approved_budget=(Money | None, None),
    forecast_outturn=(Money | None, None),
    **{funding_field(source): (PositiveMoney | None, None) for source in FundingSource},
    **{year_field(row): (FinancialYear | None, None) for row in range(MAX_PROFILE_YEARS)},
    **{amount_field(row): (PositiveMoney | None, None) for row in range(MAX_PROFILE_YEARS)},
)
MANAGERS = requires(Permission.MANAGE_CAPITAL)


def _optional_date(
    field: DateInput, values: Mapping[str, str]
) -> tuple[date | None, list[ErrorItem]]:
    """A date that may be left blank altogether."""
    if not any(values.get(field.part(part)) for part in DATE_PARTS):
        return None, []
    return field.parse_date(values)


def _profile_rows(values: Mapping[str, str]) -> int:
    """How many profile rows the posted form had."""
    rows = 0
    while rows < MAX_PROFILE_YEARS and year_field(rows) in values:
        rows += 1
    return rows


def _project_data(
    values: Mapping[str, str], tenders: list[Tender]
) -> tuple[dict[str, Any], list[ErrorItem]]:
    """The schema input from the posted scheme form, and the problems found in its fields."""
    errors: list[ErrorItem] = []
    data: dict[str, Any] = present(values, "code", "name", "service_area", "ward", "status")
    data["description"] = values.get("description", "")
    for field in (START, END):
        data[field.name], found = _optional_date(field, values)
        errors += found
    typed = {name: money_text(values[name]) for name in _Amounts.model_fields if values.get(name)}
    amounts, found = PROJECT_FORM.validate(_Amounts, typed)
    errors += found
    if amounts is None:  # what is left once the fields in error are set aside is valid
        failed = {error.field for error in found}
        amounts = _Amounts.model_validate({k: v for k, v in typed.items() if k not in failed})
    got = amounts.model_dump(exclude_none=True)
    if "approved_budget" in got:
        data["approved_budget"] = got["approved_budget"]
    if "forecast_outturn" in got:
        data["forecast_outturn"] = got["forecast_outturn"]
    elif "forecast_outturn" not in typed:
        errors.append(PROJECT_FORM.item("forecast_outturn", "Enter the forecast outturn"))
    data["funding"] = [
        {"source": source, "amount": got[funding_field(source)]}
        for source in FundingSource
        if funding_field(source) in got
    ]
    data["profile"] = []
    for row in range(_profile_rows(values)):
        year, amount = got.get(year_field(row)), got.get(amount_field(row))
        if year is not None and amount is not None:
            data["profile"].append({"financial_year": year, "amount": amount})
        elif year is not None and amount_field(row) not in typed:
            message = f"Enter the amount for {financial_year_label(year)}"
            errors.append(PROJECT_FORM.item(amount_field(row), message))
        elif amount is not None and year_field(row) not in typed:
            errors.append(PROJECT_FORM.item(year_field(row), "Select the financial year"))
    data["tender_ids"] = [t.id for t in tenders if is_checked(values, tender_field(t.id))]
    return data, errors


def _form_values(project: CapitalProjectRead) -> dict[str, str]:
    """A stored scheme as the form shows it."""
    values = {
        "code": project.code,
        "name": project.name,
        "description": project.description,
        "service_area": project.service_area,
        "ward": project.ward,
        "status": project.status.value,
        "approved_budget": f"{project.approved_budget:.2f}",
        "forecast_outturn": f"{project.forecast_outturn:.2f}",
        "version": str(project.version),
    }
    for field, day in ((START, project.start_date), (END, project.end_date)):
        if day is not None:
            values |= field.values_for_date(day)
    values |= {funding_field(line.source): f"{line.amount:.2f}" for line in project.funding}
    for row, line in enumerate(project.profile):
        values[year_field(row)] = str(line.financial_year)
        values[amount_field(row)] = f"{line.amount:.2f}"
    return values | {tender_field(tender_id): "true" for tender_id in project.tender_ids}


def _year_options(values: Mapping[str, str]) -> list[tuple[str, str]]:
    """Financial years to choose from: recent and coming ones, and any already chosen."""
    now = financial_year_of(today())
    chosen = {int(v) for k, v in values.items() if k.endswith("_year") and v.isdigit()}
    years = sorted(set(range(now - YEARS_BACK, now + YEARS_AHEAD + 1)) | chosen)
    return [(str(year), financial_year_label(year)) for year in years]


def _template_context() -> dict[str, Any]:
    return {
        "status_names": STATUS_NAMES,
        "status_tags": STATUS_TAGS,
        "flag_tags": FLAG_TAGS,
        "source_names": SOURCE_NAMES,
    }


class CapitalProjectPages(Controller):
    """The capital programme as pages: finance keeps it, procurement and administrators read it."""

    path = "/capital-projects"
    include_in_schema = False

    async def _form_page(
        self,
        request: Req,
        capital_projects: CapitalProjectService,
        form: Form,
        project: CapitalProjectRead | None = None,
        status_code: int = 200,
    ) -> Template:
        rows = max(
            PROFILE_ROWS, _profile_rows(form.values), len(project.profile) + 1 if project else 0
        )
        return render(
            request,
            "pages/capital_projects/form.html",
            form=form,
            project=project,
            tenders=await capital_projects.awarded_tenders(),
            profile_rows=rows,
            year_options=_year_options(form.values),
            funding_field=funding_field,
            year_field=year_field,
            amount_field=amount_field,
            tender_field=tender_field,
            status_code=status_code,
            **_template_context(),
        )

    @get("/")
    async def project_list(
        self,
        request: Req,
        capital_projects: NamedDependency[CapitalProjectService],
        actor: NamedDependency[Principal],
        q: Search = "",
        status: Annotated[str, QueryParameter(max_length=20)] = "",
        service_area: Annotated[str, QueryParameter(max_length=100)] = "",
        number: PageNumber = 1,
    ) -> Template:
        """Schemes by code, with their budget, spend to date and variance today."""
        chosen = next((s for s in ProjectStatus if s.value == status), None)
        filters = ProjectFilter(status=chosen, service_area=service_area or None, search=q or None)
        found = await capital_projects.list(filters, PAGE_SIZE, page_offset(number))
        figures = await capital_projects.figures_of([p.id for p in found.items], today())
        query = {"q": q, "status": status, "service_area": service_area}
        return render(
            request,
            "pages/capital_projects/list.html",
            found=found,
            figures=figures,
            q=q,
            status=status,
            service_area=service_area,
            service_areas=await capital_projects.service_areas(),
            can_manage=actor.can(Permission.MANAGE_CAPITAL),
            pagination=pagination(request.url.path, query, number, found.total),
            **_template_context(),
        )

    @get("/new", guards=MANAGERS)
    async def new_project(
        self, request: Req, capital_projects: NamedDependency[CapitalProjectService]
    ) -> Template:
        """The form for a new scheme."""
        return await self._form_page(request, capital_projects, Form({"status": "approved"}))

    @post("/new", guards=MANAGERS)
    async def create_project(
        self, request: Req, capital_projects: NamedDependency[CapitalProjectService]
    ) -> Template | Redirect:
        """Add the scheme, or show the form again with what to fix."""
        values = await read_form(request)
        data, errors = _project_data(values, await capital_projects.awarded_tenders())
        outcome = await attempt(
            PROJECT_FORM,
            CapitalProjectCreate,
            data,
            capital_projects.create,
            earlier=errors,
            ignore=[e.field for e in errors if e.field],
            by_code={"tender_not_awarded": "tender_ids"},
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await self._form_page(request, capital_projects, form, None, outcome.status_code)
        flash(request, "Scheme added", f"{outcome.result.code} is in the capital programme.")
        return see_other(f"/capital-projects/{outcome.result.id}")

    @get("/{project_id:uuid}")
    async def project_detail(
        self,
        request: Req,
        project_id: FromPath[uuid.UUID],
        capital_projects: NamedDependency[CapitalProjectService],
        actor: NamedDependency[Principal],
    ) -> Template:
        """The scheme in full: details, funding, yearly budget and spend, contracts, figures."""
        project = await capital_projects.get(project_id)
        return render(
            request,
            "pages/capital_projects/detail.html",
            project=project,
            figures=await capital_projects.figures(project_id),
            as_at=today(),
            can_manage=actor.can(Permission.MANAGE_CAPITAL),
            **_template_context(),
        )

    @get("/{project_id:uuid}/edit", guards=MANAGERS)
    async def edit_project(
        self,
        request: Req,
        project_id: FromPath[uuid.UUID],
        capital_projects: NamedDependency[CapitalProjectService],
    ) -> Template:
        """The scheme form, filled in."""
        project = await capital_projects.get(project_id)
        return await self._form_page(
            request, capital_projects, Form(_form_values(project)), project
        )

    @post("/{project_id:uuid}/edit", guards=MANAGERS)
    async def update_project(
        self,
        request: Req,
        project_id: FromPath[uuid.UUID],
        capital_projects: NamedDependency[CapitalProjectService],
    ) -> Template | Redirect:
        """Save the changes, unless someone else changed the scheme first."""
        values = await read_form(request)
        data, errors = _project_data(values, await capital_projects.awarded_tenders())

        async def save(details: CapitalProjectCreate) -> CapitalProjectRead:
            # The explanation has its own page: this form leaves it as it is.
            change = CapitalProjectUpdate.model_validate(
                {
                    **details.model_dump(exclude={"variance_explanation"}),
                    "version": whole_number(values.get("version")),
                }
            )
            return await capital_projects.update(project_id, change)

        outcome = await attempt(
            PROJECT_FORM,
            CapitalProjectCreate,
            data,
            save,
            earlier=errors,
            ignore=[e.field for e in errors if e.field],
            by_code={"tender_not_awarded": "tender_ids"},
        )
        if outcome.result is None:
            project = await capital_projects.get(project_id)
            form = Form(values, outcome.errors)
            return await self._form_page(
                request, capital_projects, form, project, outcome.status_code
            )
        flash(request, "Scheme saved", f"{outcome.result.code} has been updated.")
        return see_other(f"/capital-projects/{project_id}")

    @get("/{project_id:uuid}/variance", guards=MANAGERS)
    async def edit_variance(
        self,
        request: Req,
        project_id: FromPath[uuid.UUID],
        capital_projects: NamedDependency[CapitalProjectService],
    ) -> Template:
        """The form to explain why the forecast differs from the budget."""
        project = await capital_projects.get(project_id)
        values = {
            "variance_explanation": project.variance_explanation,
            "version": str(project.version),
        }
        return await self._variance_page(request, capital_projects, project_id, Form(values))

    async def _variance_page(
        self,
        request: Req,
        capital_projects: CapitalProjectService,
        project_id: uuid.UUID,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "pages/capital_projects/variance.html",
            form=form,
            project=await capital_projects.get(project_id),
            figures=await capital_projects.figures(project_id),
            status_code=status_code,
            **_template_context(),
        )

    @post("/{project_id:uuid}/variance", guards=MANAGERS)
    async def explain_variance(
        self,
        request: Req,
        project_id: FromPath[uuid.UUID],
        capital_projects: NamedDependency[CapitalProjectService],
    ) -> Template | Redirect:
        """Save the explanation, unless someone else changed the scheme first."""
        values = await read_form(request)
        outcome = await attempt(
            VARIANCE_FORM,
            CapitalProjectUpdate,
            {
                "version": whole_number(values.get("version")),
                "variance_explanation": values.get("variance_explanation", ""),
            },
            lambda change: capital_projects.update(project_id, change),
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await self._variance_page(
                request, capital_projects, project_id, form, outcome.status_code
            )
        flash(request, "Variance explanation saved")
        return see_other(f"/capital-projects/{project_id}")
