"""The lead's evaluators page: assign evaluators, follow their declarations, decide on interests."""

import uuid
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.schemas.criteria import CriteriaTreeSchema
from procurement.schemas.evaluators import ConflictDecisionSave, EvaluatorAssign, EvaluatorRead
from procurement.services.bids import BidService
from procurement.services.declarations import DeclarationService
from procurement.services.evaluators import EvaluatorService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.forms import (
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    perform,
    present,
    read_form,
    whole_number,
)
from procurement.web.rendering import Req, flash, render, see_other

ASSIGN_FORM = FormSpec(
    user_id=FieldSpec("Evaluator", required="Choose the evaluator to assign"),
    group_keys=FieldSpec("Groups", anchor="group-keys"),
)
DECISION_FORM = FormSpec(
    decision=FieldSpec("Decision", required="Choose allow, restrict or remove"),
    allowed_bid_ids=FieldSpec("Bids the evaluator may see", anchor="allowed-bids"),
    note=FieldSpec("Reason", required="Give the reason for the decision"),
)
MANAGERS = requires(Permission.MANAGE_TENDERS)
LIST = "pages/evaluators/list.html"
DECISION = "pages/evaluators/decision.html"


def _group_keys(values: dict[str, str], prefix: str) -> list[str]:
    return [name.removeprefix(prefix) for name in values if name.startswith(prefix)]


class EvaluatorPages(Controller):
    """Who evaluates a tender, where each stands, and the lead's decisions on interests."""

    path = "/tenders/{tender_id:uuid}/evaluators"
    include_in_schema = False
    guards = MANAGERS

    async def _list(
        self,
        request: Req,
        tender_id: uuid.UUID,
        tenders: TenderService,
        evaluators: EvaluatorService,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        tender = await tenders.get(tender_id)
        row = await tenders.load(tender_id)
        return render(
            request,
            LIST,
            tender=tender,
            assignments=await evaluators.assignments(tender_id),
            candidates=await evaluators.candidates(tender_id),
            groups=CriteriaTreeSchema.model_validate(row.criteria).groups,
            form=form,
            status_code=status_code,
        )

    @get("/")
    async def evaluators_page(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
    ) -> Template:
        """The evaluators, their declarations, and the form to assign another."""
        return await self._list(request, tender_id, tenders, evaluators, Form())

    @post("/")
    async def assign(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
    ) -> Template | Redirect:
        """Assign the chosen evaluator to the groups ticked (none ticked: every group)."""
        values = await read_form(request)
        data: dict[str, Any] = {"group_keys": _group_keys(values, "group-")}
        if values.get("user_id"):
            data["user_id"] = values["user_id"]
        outcome = await attempt(
            ASSIGN_FORM,
            EvaluatorAssign,
            data,
            lambda assignment: evaluators.assign(tender_id, assignment),
            by_code={"evaluator_assigned": "user_id"},
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await self._list(
                request, tender_id, tenders, evaluators, form, outcome.status_code
            )
        flash(request, "Evaluator assigned", f"{outcome.result.evaluator_name} can now declare.")
        return see_other(f"/tenders/{tender_id}/evaluators")

    @post("/{assignment_id:uuid}/remove")
    async def unassign(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        assignment_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
    ) -> Template | Redirect:
        """Take an evaluator off before they have declared."""
        outcome = await perform(ASSIGN_FORM, lambda: evaluators.remove(tender_id, assignment_id))
        if outcome.errors:
            form = Form({}, outcome.errors)
            return await self._list(
                request, tender_id, tenders, evaluators, form, outcome.status_code
            )
        flash(request, "Evaluator taken off the tender")
        return see_other(f"/tenders/{tender_id}/evaluators")

    async def _decision_page(
        self,
        request: Req,
        tender_id: uuid.UUID,
        assignment: EvaluatorRead,
        tenders: TenderService,
        bids: BidService,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            DECISION,
            tender=await tenders.get(tender_id),
            assignment=assignment,
            bids=(await bids.list(tender_id, limit=200, offset=0)).items,
            form=form,
            status_code=status_code,
        )

    @get("/{assignment_id:uuid}/decision")
    async def decision_form(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        assignment_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
        bids: NamedDependency[BidService],
    ) -> Template:
        """The declared interest, and the form for the lead's decision on it."""
        assignment = await evaluators.assignment(tender_id, assignment_id)
        form = Form({"version": str(assignment.version)})
        return await self._decision_page(request, tender_id, assignment, tenders, bids, form)

    @post("/{assignment_id:uuid}/decision")
    async def decide(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        assignment_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
        declarations: NamedDependency[DeclarationService],
        bids: NamedDependency[BidService],
    ) -> Template | Redirect:
        """Record the decision: allow, restrict to the bids ticked, or remove."""
        values = await read_form(request)
        data: dict[str, Any] = {
            "allowed_bid_ids": _group_keys(values, "bid-"),
            "version": whole_number(values.get("version")),
            **present(values, "decision", "note"),
        }
        outcome = await attempt(
            DECISION_FORM,
            ConflictDecisionSave,
            data,
            lambda decision: declarations.decide(tender_id, assignment_id, decision),
        )
        if outcome.result is None:
            assignment = await evaluators.assignment(tender_id, assignment_id)
            form = Form(values, outcome.errors)
            return await self._decision_page(
                request, tender_id, assignment, tenders, bids, form, outcome.status_code
            )
        decided = outcome.result
        flash(request, "Decision recorded", f"{decided.evaluator_name}: {decided.decision}")
        return see_other(f"/tenders/{tender_id}/evaluators")
