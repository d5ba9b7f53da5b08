"""Measure catalogue pages: social value measures and their dated values per unit."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.measure import (
    MeasureCreate,
    MeasureRead,
    MeasureTheme,
    MeasureUpdate,
    MeasureValueCreate,
)
from procurement.services.measures import MeasureService
from procurement.web.access import requires
from procurement.web.forms import (
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    LondonDateTime,
    attempt,
    money_text,
    present,
    read_form,
    whole_number,
)
from procurement.web.lists import PageNumber, Search, list_page
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    flash,
    page_offset,
    render,
    see_other,
)


@dataclass(frozen=True)
class DateInput(LondonDateTime):
    """A GOV.UK date input on its own, with no time of day."""

    def parse_date(self, values: Mapping[str, str]) -> tuple[date | None, list[ErrorItem]]:
        """The date, or errors for it."""
        moment, errors = self._date(values)
        return (moment.date() if moment else None), errors

    def values_for_date(self, day: date) -> dict[str, str]:
        """Form values that show a date."""
        parts = {"day": day.day, "month": day.month, "year": day.year}
        return {self.part(part): str(value) for part, value in parts.items()}


EFFECTIVE_FROM = DateInput("effective_from", "Date the value applies from")
THEME_NAMES = {
    MeasureTheme.JOBS: "Jobs",
    MeasureTheme.GROWTH: "Growth",
    MeasureTheme.SOCIAL: "Social",
    MeasureTheme.ENVIRONMENT: "Environment",
    MeasureTheme.INNOVATION: "Innovation",
}
_VALUE_FIELDS = {
    "value_per_unit": FieldSpec("Value per unit", required="Enter the value per unit"),
    "effective_from": FieldSpec(
        "Date the value applies from",
        required="Enter the date the value applies from",
        anchor=EFFECTIVE_FROM.part("day"),
    ),
}
_WORDING_FIELDS = {
    "theme": FieldSpec("Theme", required="Select the theme"),
    "description": FieldSpec("Description", required="Enter a description"),
    "unit": FieldSpec("Unit", required="Enter the unit, for example hour"),
}
MEASURE_FORM = FormSpec(
    code=FieldSpec("Code", required="Enter a code"), **_WORDING_FIELDS, **_VALUE_FIELDS
)
WORDING_FORM = FormSpec(**_WORDING_FIELDS)
VALUE_FORM = FormSpec(**_VALUE_FIELDS)
MANAGERS = requires(Permission.MANAGE_MEASURES)


def _value_data(values: Mapping[str, str]) -> tuple[dict[str, Any], list[ErrorItem]]:
    """The value per unit and its date, and any date errors."""
    day, errors = EFFECTIVE_FROM.parse_date(values)
    data: dict[str, Any] = {}
    if values.get("value_per_unit"):
        data["value_per_unit"] = money_text(values["value_per_unit"])
    if day is not None:
        data["effective_from"] = day
    return data, errors


def _wording_values(measure: MeasureRead) -> dict[str, str]:
    return {
        "theme": measure.theme.value,
        "description": measure.description,
        "unit": measure.unit,
        "version": str(measure.version),
    }


@dataclass(frozen=True)
class MeasurePage:
    """What every catalogue page works with: the request, the user and the catalogue."""

    request: Req
    actor: Principal
    measures: MeasureService

    def form(
        self, form: Form, measure: MeasureRead | None = None, status_code: int = 200
    ) -> Template:
        """The form for a new measure, or for a measure's wording."""
        return render(
            self.request,
            "pages/measures/form.html",
            form=form,
            measure=measure,
            themes=THEME_NAMES,
            status_code=status_code,
        )

    async def value_form(
        self, measure_id: uuid.UUID, form: Form, status_code: int = 200
    ) -> Template:
        """The form for a measure's new dated value."""
        return render(
            self.request,
            "pages/measures/value_form.html",
            measure=await self.measures.get(measure_id),
            form=form,
            status_code=status_code,
        )

    def done(self, measure: MeasureRead, heading: str, body: str = "") -> Redirect:
        """To the measure, with a success banner."""
        flash(self.request, heading, body)
        return see_other(f"/measures/{measure.id}")


def provide_measure_page(
    request: Req, actor: NamedDependency[Principal], measures: NamedDependency[MeasureService]
) -> MeasurePage:
    """The catalogue page context for this request."""
    return MeasurePage(request, actor, measures)


Page = NamedDependency[MeasurePage]
MeasureId = FromPath[uuid.UUID]


class MeasurePages(Controller):
    """The organisation's social value measure catalogue."""

    path = "/measures"
    include_in_schema = False
    dependencies = {"page": Provide(provide_measure_page, sync_to_thread=False)}

    @get("/")
    async def measure_list(self, page: Page, q: Search = "", number: PageNumber = 1) -> Template:
        """Measures by code with the value in force today, searchable by code or description."""
        found = await page.measures.list(PAGE_SIZE, page_offset(number), search=q or None)
        return list_page(
            page.request,
            "pages/measures/list.html",
            found,
            q,
            number,
            themes=THEME_NAMES,
            can_manage=page.actor.can(Permission.MANAGE_MEASURES),
        )

    @get("/new", guards=MANAGERS)
    async def new_measure(self, page: Page) -> Template:
        """The form for a new measure and its first value, applying from today."""
        return page.form(Form(EFFECTIVE_FROM.values_for_date(utc_now().date())))

    @post("/new", guards=MANAGERS)
    async def create_measure(self, page: Page) -> Template | Redirect:
        """Add the measure, or show the form again with what to fix."""
        values = await read_form(page.request)
        data, errors = _value_data(values)
        data |= present(values, "code", "theme", "description", "unit")
        outcome = await attempt(
            MEASURE_FORM,
            MeasureCreate,
            data,
            page.measures.create,
            earlier=errors,
            ignore=[EFFECTIVE_FROM.name],
        )
        if outcome.result is None:
            return page.form(Form(values, outcome.errors), None, outcome.status_code)
        return page.done(
            outcome.result, "Measure added", f"{outcome.result.code} is in the catalogue."
        )

    @get("/{measure_id:uuid}")
    async def measure_detail(self, page: Page, measure_id: MeasureId) -> Template:
        """The measure and the history of its values."""
        return render(
            page.request,
            "pages/measures/detail.html",
            measure=await page.measures.get(measure_id),
            themes=THEME_NAMES,
            can_manage=page.actor.can(Permission.MANAGE_MEASURES),
        )

    @get("/{measure_id:uuid}/edit", guards=MANAGERS)
    async def edit_measure(self, page: Page, measure_id: MeasureId) -> Template:
        """The form to correct a measure's theme, description or unit."""
        measure = await page.measures.get(measure_id)
        return page.form(Form(_wording_values(measure)), measure)

    @post("/{measure_id:uuid}/edit", guards=MANAGERS)
    async def update_measure(self, page: Page, measure_id: MeasureId) -> Template | Redirect:
        """Save the wording, unless someone else changed the measure first."""
        values = await read_form(page.request)
        outcome = await attempt(
            WORDING_FORM,
            MeasureUpdate,
            present(values, "theme", "description", "unit")
            | {"version": whole_number(values.get("version"))},
            lambda change: page.measures.update(measure_id, change),
        )
        if outcome.result is None:
            measure = await page.measures.get(measure_id)
            return page.form(Form(values, outcome.errors), measure, outcome.status_code)
        return page.done(outcome.result, "Measure saved")

    @get("/{measure_id:uuid}/values/new", guards=MANAGERS)
    async def new_value(self, page: Page, measure_id: MeasureId) -> Template:
        """The form for a new dated value."""
        return await page.value_form(measure_id, Form())

    @post("/{measure_id:uuid}/values/new", guards=MANAGERS)
    async def add_value(self, page: Page, measure_id: MeasureId) -> Template | Redirect:
        """Add the value; earlier values stay in force for earlier dates."""
        values = await read_form(page.request)
        data, errors = _value_data(values)
        outcome = await attempt(
            VALUE_FORM,
            MeasureValueCreate,
            data,
            lambda value: page.measures.add_value(measure_id, value),
            earlier=errors,
            ignore=[EFFECTIVE_FROM.name],
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await page.value_form(measure_id, form, outcome.status_code)
        return page.done(
            outcome.result, "Value added", f"{outcome.result.code} has a new value per unit."
        )
