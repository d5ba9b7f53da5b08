"""The evaluator's pages: declare any conflict of interest, score each bid, submit the set."""

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from procurement.domain.roles import Permission
from procurement.errors import DomainError, FieldError, ForbiddenError
from procurement.schemas.criteria import CriterionSchema
from procurement.schemas.evaluators import DeclarationSave, EvaluatorRead
from procurement.schemas.scores import CENTS, ScoresSave
from procurement.services.bids import BidService
from procurement.services.declarations import DeclarationService
from procurement.services.evaluators import EvaluatorService
from procurement.services.scores import ScoreService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.forms import (
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    perform,
    read_form,
    whole_number,
)
from procurement.web.rendering import Req, flash, render, see_other

DECLARATION_FORM = FormSpec(
    declaration=FieldSpec("Declaration", required="Say whether you have an interest to declare"),
    interest_details=FieldSpec("Details of the interest"),
)
SUBMIT_FORM = FormSpec()
EVALUATORS = requires(Permission.EVALUATE_BIDS)
TENDER_PAGE = "pages/scoring/tender.html"
BID_PAGE = "pages/scoring/bid.html"
SUBMIT_PAGE = "pages/scoring/submit.html"


def point(value: Decimal) -> str:
    """A scale point as the scoring form names it (two decimal places, like stored scores)."""
    return f"{value.quantize(CENTS)}"


def _scores_input(
    values: Mapping[str, str], criteria: list[CriterionSchema]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The scores filled in (a criterion left wholly blank is skipped), and their keys."""
    scores, keys = [], []
    for c in criteria:
        value, rationale = values.get(f"value-{c.key}", ""), values.get(f"rationale-{c.key}", "")
        if not value and not rationale:
            continue
        version = values.get(f"version-{c.key}")
        scores.append(
            {
                "criterion_key": c.key,
                "value": value.replace(",", "") or None,
                "rationale": rationale,
                "version": int(version) if version and version.isdigit() else None,
            }
        )
        keys.append(c.key)
    return scores, keys


def _on_fields(errors: list[FieldError], keys: list[str]) -> list[ErrorItem]:
    """Errors about `scores.<i>.<part>` as errors on the scoring form's fields."""
    items = []
    for error in errors:
        parts = error.field.split(".")
        if len(parts) >= 3 and parts[0] == "scores" and parts[1].isdigit():
            part = "rationale" if parts[2] == "rationale" else "value"
            name = f"{part}-{keys[int(parts[1])]}"
            items.append(ErrorItem(error.message, name, f"#{name}"))
        else:
            items.append(ErrorItem(error.message))
    return items


def _validation_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(
            ".".join(str(part) for part in e["loc"]),
            "Give the reason for this score"
            if e["loc"][-1:] == ("rationale",)
            else "Choose or enter a score"
            if e["type"] in {"missing", "decimal_type", "none_required"}
            else str(e["msg"]).removeprefix("Value error, "),
        )
        for e in exc.errors()
    ]


class ScoringPages(Controller):
    """An evaluator's work on one tender."""

    path = "/tenders/{tender_id:uuid}/scoring"
    include_in_schema = False
    guards = EVALUATORS

    async def _own(self, evaluators: EvaluatorService, tender_id: uuid.UUID) -> EvaluatorRead:
        own = await evaluators.assignments(tender_id)
        if not own:
            raise ForbiddenError("You are not an evaluator of this tender", code="not_assigned")
        return own[0]

    async def _tender_page(
        self,
        request: Req,
        tender_id: uuid.UUID,
        tenders: TenderService,
        evaluators: EvaluatorService,
        scoring: ScoreService,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        assignment = await self._own(evaluators, tender_id)
        cleared = assignment.clearance.value in {"cleared", "restricted"}
        return render(
            request,
            TENDER_PAGE,
            tender=await tenders.get(tender_id),
            assignment=assignment,
            progress=await scoring.progress(tender_id) if cleared else [],
            cleared=cleared,
            form=form,
            status_code=status_code,
        )

    @get("/")
    async def tender_page(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
        scoring: NamedDependency[ScoreService],
    ) -> Template:
        """The declaration, then the bids to score with progress."""
        return await self._tender_page(request, tender_id, tenders, evaluators, scoring, Form())

    @post("/declaration")
    async def declare(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
        declarations: NamedDependency[DeclarationService],
        scoring: NamedDependency[ScoreService],
    ) -> Template | Redirect:
        """Record the evaluator's declaration."""
        values = await read_form(request)
        data: dict[str, Any] = {"version": whole_number(values.get("version"))}
        if values.get("declaration"):
            data["declaration"] = values["declaration"]
        if values.get("declaration") == "interest":
            data["interest_details"] = values.get("interest_details", "")
        outcome = await attempt(
            DECLARATION_FORM,
            DeclarationSave,
            data,
            lambda declaration: declarations.declare(tender_id, declaration),
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await self._tender_page(
                request, tender_id, tenders, evaluators, scoring, form, outcome.status_code
            )
        if outcome.result.clearance.value == "cleared":
            flash(request, "Declaration recorded", "You can now score the bids.")
        else:
            flash(request, "Interest declared", "The lead will decide whether you may score.")
        return see_other(f"/tenders/{tender_id}/scoring")

    async def _bid_page(
        self,
        request: Req,
        tender_id: uuid.UUID,
        bid_id: uuid.UUID,
        services: tuple[TenderService, BidService, ScoreService],
        form: Form | None = None,
        status_code: int = 200,
    ) -> Template:
        tenders, bids, scoring = services
        bid = await bids.get(tender_id, bid_id)
        standing = await scoring.standing(tender_id)
        saved = await scoring.get(tender_id, bid_id)
        own = [s for s in saved.scores if s.evaluator_id == standing.assignment.user_id]
        if form is None:
            values: dict[str, str] = {}
            for s in own:
                values[f"value-{s.criterion_key}"] = point(s.value)
                values[f"rationale-{s.criterion_key}"] = s.rationale
                values[f"version-{s.criterion_key}"] = str(s.version)
            form = Form(values)
        return render(
            request,
            BID_PAGE,
            tender=await tenders.get(tender_id),
            bid=bid,
            criteria=standing.criteria,
            submitted=standing.assignment.scores_submitted_at is not None,
            point=point,
            form=form,
            status_code=status_code,
        )

    @get("/bids/{bid_id:uuid}")
    async def bid_page(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        bids: NamedDependency[BidService],
        scoring: NamedDependency[ScoreService],
    ) -> Template:
        """The bid's answers beside a score and a reason for each criterion to score."""
        return await self._bid_page(request, tender_id, bid_id, (tenders, bids, scoring))

    @post("/bids/{bid_id:uuid}")
    async def save_scores(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        bids: NamedDependency[BidService],
        scoring: NamedDependency[ScoreService],
    ) -> Template | Redirect:
        """Save the scores filled in as drafts."""
        values = await read_form(request)
        standing = await scoring.standing(tender_id)
        entered, keys = _scores_input(values, standing.criteria)
        errors: list[ErrorItem] = []
        status_code = 422
        if not entered:
            errors = [ErrorItem("Score at least one criterion before saving")]
        else:
            try:
                data = ScoresSave.model_validate({"scores": entered})
                await scoring.save(tender_id, bid_id, data)
            except ValidationError as exc:
                errors = _on_fields(_validation_errors(exc), keys)
            except DomainError as exc:
                if isinstance(exc, ForbiddenError):
                    raise
                errors = _on_fields(exc.errors, keys) or [ErrorItem(exc.detail)]
                status_code = exc.status_code
        if errors:
            form = Form(values, errors)
            services = (tenders, bids, scoring)
            return await self._bid_page(request, tender_id, bid_id, services, form, status_code)
        flash(request, "Draft scores saved", "You can change them until you submit your scores.")
        return see_other(f"/tenders/{tender_id}/scoring")

    @get("/submit")
    async def submit_form(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
    ) -> Template:
        """Ask the evaluator to confirm submitting their whole set."""
        tender = await tenders.get(tender_id)
        return render(request, SUBMIT_PAGE, tender=tender, form=Form())

    @post("/submit")
    async def submit(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        scoring: NamedDependency[ScoreService],
    ) -> Template | Redirect:
        """Submit every score; they cannot be changed afterwards."""
        outcome = await perform(SUBMIT_FORM, lambda: scoring.submit(tender_id))
        if outcome.result is None:
            tender = await tenders.get(tender_id)
            form = Form({}, outcome.errors)
            return render(
                request, SUBMIT_PAGE, tender=tender, form=form, status_code=outcome.status_code
            )
        flash(request, "Scores submitted", f"{outcome.result.submitted_count} scores submitted.")
        return see_other(f"/tenders/{tender_id}/scoring")
