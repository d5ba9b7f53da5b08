"""The evaluation results page: ranking, the arithmetic per bid, a chart, the sensitivity
findings, and the lead's exclusions."""

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.schemas.bid import BidRead
from procurement.schemas.common import MAX_PAGE_SIZE
from procurement.schemas.evaluation import BidExclusion
from procurement.services.bids import BidService
from procurement.services.evaluation import EvaluationService
from procurement.services.evaluation_state import EVALUABLE
from procurement.services.exclusions import ExclusionService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.forms import FieldSpec, Form, FormSpec, attempt, read_form
from procurement.web.rendering import Req, flash, render, see_other
from reports.charts import two_places, weighted_score_rows, weighted_scores_chart

EXCLUDE_FORM = FormSpec(reason=FieldSpec("Reason", required="Enter why the bid is excluded"))
RESULTS = "pages/results/results.html"
EXCLUDE = "pages/results/exclude.html"


def results_path(tender_id: uuid.UUID) -> str:
    """Where a tender's results page is."""
    return f"/tenders/{tender_id}/results"


async def _exclude_page(
    request: Req,
    tenders: TenderService,
    bids: BidService,
    tender_id: uuid.UUID,
    bid_id: uuid.UUID,
    form: Form,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        EXCLUDE,
        tender=await tenders.get(tender_id),
        bid=await bids.get(tender_id, bid_id),
        form=form,
        status_code=status_code,
    )


class ResultsPages(Controller):
    """A closed tender's evaluation, for those who may read it."""

    path = "/tenders/{tender_id:uuid}"
    include_in_schema = False

    @get("/results", guards=requires(Permission.READ_EVALUATION))
    async def results(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluation: NamedDependency[EvaluationService],
        bids: NamedDependency[BidService],
        actor: NamedDependency[Principal],
    ) -> Template:
        """The ranking, each bid's arithmetic, the chart and the sensitivity findings."""
        found = await evaluation.load(tender_id)
        tender = await tenders.get(tender_id)
        stored = await bids.list(tender_id, limit=MAX_PAGE_SIZE, offset=0)
        series, rows = weighted_score_rows(found.result)
        return render(
            request,
            RESULTS,
            tender=tender,
            evaluation=found,
            result=found.result,
            sensitivity=found.sensitivity,
            chart=weighted_scores_chart(found.result, "weighted-scores-chart"),
            series=series,
            rows=rows,
            excluded={str(b.id): b.excluded_reason for b in stored.items if isinstance(b, BidRead)},
            can_exclude=actor.can(Permission.MANAGE_TENDERS) and tender.status in EVALUABLE,
            points=two_places,
        )

    @get("/bids/{bid_id:uuid}/exclude", guards=requires(Permission.MANAGE_TENDERS))
    async def exclude_form(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        bids: NamedDependency[BidService],
    ) -> Template:
        """Ask why the bid is to be excluded."""
        return await _exclude_page(request, tenders, bids, tender_id, bid_id, Form())

    @post("/bids/{bid_id:uuid}/exclude", guards=requires(Permission.MANAGE_TENDERS))
    async def exclude(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        bids: NamedDependency[BidService],
        exclusions: NamedDependency[ExclusionService],
    ) -> Template | Redirect:
        """Exclude the bid, or show the form again with what is wrong."""
        values = await read_form(request)
        outcome = await attempt(
            EXCLUDE_FORM,
            BidExclusion,
            {"reason": values.get("reason", "")},
            lambda data: exclusions.exclude(tender_id, bid_id, data),
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await _exclude_page(
                request, tenders, bids, tender_id, bid_id, form, outcome.status_code
            )
        name = outcome.result.supplier_name
        flash(request, "Bid excluded", f"{name}'s bid is still scored but no longer ranked.")
        return see_other(results_path(tender_id))

    @post("/bids/{bid_id:uuid}/reinstate", guards=requires(Permission.MANAGE_TENDERS))
    async def reinstate(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        exclusions: NamedDependency[ExclusionService],
    ) -> Redirect:
        """Bring the bid back into the ranking."""
        # A refusal (reinstated already, say, in another tab) is shown on the error page.
        bid = await exclusions.reinstate(tender_id, bid_id)
        flash(request, "Bid reinstated", f"{bid.supplier_name}'s bid is ranked again.")
        return see_other(results_path(tender_id))
