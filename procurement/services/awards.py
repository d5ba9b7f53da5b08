"""The award decision: who wins, why, and when the standstill period ends."""

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.dates import LONDON, london_date
from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.lifecycle import TenderAction, next_status
from procurement.domain.roles import Permission
from procurement.domain.standstill import standstill_end
from procurement.errors import ConflictError, FieldError, InputError, NotFoundError
from procurement.models import Award, Bid, EvaluatorAssignment, Supplier, Tender, User
from procurement.principal import Principal
from procurement.schemas.award import AwardCreate, AwardRead
from procurement.services import audit
from procurement.services.criteria import tree_of
from procurement.services.evaluation import Evaluation, current_evaluation
from procurement.services.evaluation_state import (
    require_evaluation_open,
    require_evaluation_readable,
)
from procurement.services.tenders import TenderService, tender_snapshot
from scoring.criteria import Method
from scoring.results import BidResult, FlagKind


class JustificationRequiredError(InputError):
    """The award departs from the ranking or stands despite a flag, and says nothing of why."""

    def __init__(self, reasons: list[str]) -> None:
        message = "Give a justification: " + " ".join(reasons)
        super().__init__([FieldError("justification", message)], detail=message)
        self.code = "justification_required"
        self.extra = {"reasons": reasons}


def justification_reasons(evaluation: Evaluation, bid_id: str) -> list[str]:
    """Why awarding this bid needs a justification: each departure from the ranking and each
    unresolved flag, in words. Empty when none is needed."""
    chosen = evaluation.result.bid(bid_id)
    reasons = []
    if chosen.rank != 1:
        reasons.append(f"{chosen.supplier_name} is ranked {chosen.rank}, not first.")
    for kind in (FlagKind.TIE, FlagKind.ABNORMALLY_LOW_PRICE):
        reasons.extend(f"{chosen.supplier_name}: {f.message}" for f in chosen.flags_of(kind))
    for bid in evaluation.result.bids:
        spread = bid.flags_of(FlagKind.EVALUATOR_SPREAD)
        reasons.extend(f"{bid.supplier_name}: {flag.message}" for flag in spread)
    reasons.extend(reversal.explanation for reversal in evaluation.sensitivity.reversals)
    return reasons


async def outstanding_work(session: AsyncSession, tender: Tender) -> list[str]:
    """What must happen before the evaluation is complete, one sentence each: scores not yet
    submitted and declared interests awaiting the lead's decision."""
    rows = await session.execute(
        sa.select(EvaluatorAssignment, col(User.full_name))
        .join(User, col(User.id) == col(EvaluatorAssignment.user_id))
        .where(col(EvaluatorAssignment.tender_id) == tender.id)
        .order_by(col(User.full_name), col(EvaluatorAssignment.id))
    )
    outstanding = []
    taking_part = 0
    for assignment, name in rows.tuples():
        if assignment.decision is ConflictDecision.REMOVE:
            continue
        taking_part += 1
        if assignment.declaration is Declaration.INTEREST and assignment.decision is None:
            outstanding.append(f"The interest {name} declared awaits a decision.")
        if assignment.scores_submitted_at is None:
            outstanding.append(f"{name} has not submitted their scores.")
    tree = tree_of(tender)
    judged = any(c.method is Method.JUDGEMENT for g in tree.groups for c in g.criteria)
    if judged and taking_part == 0:
        outstanding.append("No evaluator is assigned to score the judgement criteria.")
    return outstanding


@dataclass(frozen=True)
class AwardOptions:
    """What the lead decides between: the ranked bids, and what stands in the way."""

    tender: Tender
    evaluation: Evaluation
    outstanding: list[str]

    @property
    def ranked(self) -> list[BidResult]:
        """The bids that may be awarded, in rank order."""
        return [bid for bid in self.evaluation.result.bids if bid.rank is not None]

    def reasons(self, bid_id: str) -> list[str]:
        """Why awarding this bid would need a justification."""
        return justification_reasons(self.evaluation, bid_id)


class AwardService:
    """Records the award once the evaluation is complete, and starts the standstill period."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def _read(self, award: Award) -> AwardRead:
        supplier_name = await self.session.scalar(
            sa.select(col(Supplier.name))
            .join(Bid, col(Bid.supplier_id) == col(Supplier.id))
            .where(col(Bid.id) == award.bid_id)
        )
        return AwardRead.model_validate(
            {**award.model_dump(), "supplier_name": supplier_name or ""}
        )

    async def get(self, tender_id: uuid.UUID) -> AwardRead:
        """The tender's award, or 404 when none has been made."""
        self.actor.require(Permission.READ_EVALUATION)
        tender = await self.tenders.load(tender_id)
        award = await self.session.scalar(sa.select(Award).where(col(Award.tender_id) == tender.id))
        if award is None:
            raise NotFoundError("Award")
        return await self._read(award)

    async def options(self, tender_id: uuid.UUID) -> AwardOptions:
        """The bids the lead may choose from and what is still outstanding (for the form)."""
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id)
        require_evaluation_readable(tender)
        evaluation = await current_evaluation(self.session, tender)
        outstanding = await outstanding_work(self.session, tender)
        await self.session.commit()  # keeps a freshly computed evaluation for every worker
        return AwardOptions(tender, evaluation, outstanding)

    def _check_choice(self, tender: Tender, evaluation: Evaluation, data: AwardCreate) -> None:
        errors = []
        bid_id = str(data.bid_id)
        if not any(bid.bid_id == bid_id and bid.rank is not None for bid in evaluation.result.bids):
            errors.append(FieldError("bid_id", "Choose a ranked bid of this tender"))
        today = london_date(datetime.now(LONDON))
        if data.decision_date > today:
            errors.append(FieldError("decision_date", "The decision date cannot be in the future"))
        elif tender.closed_at is not None and data.decision_date < london_date(tender.closed_at):
            closed = london_date(tender.closed_at).strftime("%-d %B %Y")
            errors.append(
                FieldError(
                    "decision_date",
                    f"The decision date cannot be before the tender closed on {closed}",
                )
            )
        if errors:
            raise InputError(errors)
        reasons = justification_reasons(evaluation, bid_id)
        if reasons and data.justification is None:
            raise JustificationRequiredError(reasons)

    async def create(self, tender_id: uuid.UUID, data: AwardCreate) -> AwardRead:
        """Award the tender to a ranked bid; it is then awarded and its evaluation read-only."""
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        require_evaluation_open(tender)
        outstanding = await outstanding_work(self.session, tender)
        if outstanding:
            raise ConflictError(
                "The evaluation is not complete: " + " ".join(outstanding),
                code="evaluation_incomplete",
                outstanding=outstanding,
            )
        evaluation = await current_evaluation(self.session, tender)
        self._check_choice(tender, evaluation, data)
        chosen = evaluation.result.bid(str(data.bid_id))
        award = Award(
            tender_id=tender.id,
            bid_id=data.bid_id,
            decision_date=data.decision_date,
            rationale=data.rationale,
            justification=data.justification,
            standstill_ends=standstill_end(data.decision_date),
            awarded_by_id=self.actor.user_id,
            evaluation_version=evaluation.input_version,
            winner_rank=chosen.rank,
        )
        self.session.add(award)
        before = tender_snapshot(tender)
        tender.status = next_status(tender.status, TenderAction.AWARD)
        tender.touch()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type="award",
            entity_id=award.id,
            action="create",
            summary=f"Awarded {tender.reference} to {chosen.supplier_name}",
            after=audit.snapshot(award),
        )
        # The chain head is read afresh for each event, so the first must be written first.
        await self.session.flush()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type="tender",
            entity_id=tender.id,
            action="award",
            summary=f"Awarded tender {tender.reference}",
            before=before,
            after=tender_snapshot(tender),
        )
        try:
            await self.session.commit()
        except IntegrityError as error:  # a simultaneous award of the same tender won
            await self.session.rollback()
            raise ConflictError(
                "The tender has been awarded; its evaluation can no longer be changed",
                code="tender_awarded",
            ) from error
        return await self._read(award)
