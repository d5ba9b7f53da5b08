"""The award pages: choose the bid, give the decision date and reasons, then see the
standstill period."""

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.config import Settings
from procurement.domain.dates import london_date
from procurement.domain.roles import Permission
from procurement.errors import NotFoundError
from procurement.models.base import utc_now
from procurement.schemas.award import AwardCreate
from procurement.services.awards import AwardOptions, AwardService
from procurement.services.report_warming import warm_after_award
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.forms import (
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    read_form,
)
from procurement.web.measures import DateInput
from procurement.web.rendering import Req, flash, render, see_other
from reports.charts import two_places

DECISION_DATE = DateInput("decision_date", "Decision date")
AWARD_FORM = FormSpec(
    bid_id=FieldSpec("Bid", required="Select the bid to award"),
    decision_date=FieldSpec("Decision date", anchor=DECISION_DATE.part("day")),
    rationale=FieldSpec("Reasons for the award", required="Enter the reasons for the award"),
    justification=FieldSpec("Justification"),
)
FORM = "pages/awards/form.html"
CONFIRMATION = "pages/awards/confirmation.html"


def long_date(day: date) -> str:
    """A date such as Thursday 11 June 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _award_data(values: Mapping[str, str]) -> tuple[dict[str, Any], list[ErrorItem]]:
    data: dict[str, Any] = {
        name: values[name] for name in ("bid_id", "rationale", "justification") if values.get(name)
    }
    decided, errors = DECISION_DATE.parse_date(values)
    if decided is not None:
        data["decision_date"] = decided
    return data, errors


class AwardPages(Controller):
    """The lead awards a tender; everyone who reads evaluations sees the award."""

    path = "/tenders/{tender_id:uuid}/award"
    include_in_schema = False

    def _form(self, request: Req, options: AwardOptions, form: Form, status: int = 200) -> Template:
        return render(
            request,
            FORM,
            tender=options.tender,
            options=options,
            form=form,
            points=two_places,
            status_code=status,
        )

    @get(guards=requires(Permission.READ_EVALUATION))
    async def award_page(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        awards: NamedDependency[AwardService],
        tenders: NamedDependency[TenderService],
    ) -> Template:
        """The award once made; until then, the form to make it (procurement only)."""
        try:
            award = await awards.get(tender_id)
        except NotFoundError:
            awards.actor.require(Permission.MANAGE_TENDERS)
        else:
            tender = await tenders.get(tender_id)
            return render(request, CONFIRMATION, tender=tender, award=award, long_date=long_date)
        options = await awards.options(tender_id)
        values = {
            "bid_id": options.evaluation.result.winner_id or "",
            **DECISION_DATE.values_for_date(london_date(utc_now())),
        }
        return self._form(request, options, Form(values))

    @post(guards=requires(Permission.MANAGE_TENDERS))
    async def make_award(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        awards: NamedDependency[AwardService],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Award the tender, or show the form again with what is wrong."""
        values = await read_form(request)
        data, earlier = _award_data(values)
        outcome = await attempt(
            AWARD_FORM,
            AwardCreate,
            data,
            lambda award: awards.create(tender_id, award),
            earlier=earlier,
            ignore=["decision_date"] if earlier else [],
        )
        if outcome.result is None:
            options = await awards.options(tender_id)
            return self._form(request, options, Form(values, outcome.errors), outcome.status_code)
        flash(request, "Tender awarded", f"Awarded to {outcome.result.supplier_name}.")
        sessions = request.app.state.sessionmaker
        background = warm_after_award(sessions, settings, tender_id)
        return see_other(f"/tenders/{tender_id}/award", background)
