"""The evaluator gate: what an evaluator may see of a tender's bids, and when.

An assigned evaluator sees nothing of the bids until they have declared no interest, or the
lead has allowed (or restricted) them despite an interest. A restricted evaluator sees only
the bids named; a removed one sees nothing again. With blind pricing, an evaluator who scores
no price group never sees a price. Every bid read and every score goes through here.
"""

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.roles import Permission
from procurement.errors import ForbiddenError
from procurement.models import Bid, EvaluatorAssignment, Tender
from procurement.principal import Principal
from procurement.schemas.criteria import CriteriaTreeSchema, CriterionSchema, GroupSchema
from procurement.schemas.evaluators import Clearance
from scoring.criteria import GroupKind, Method


def clearance_of(assignment: EvaluatorAssignment) -> Clearance:
    """Where the evaluator stands after their declaration and the lead's decision."""
    if assignment.decision is ConflictDecision.REMOVE:
        return Clearance.REMOVED
    if assignment.declaration is Declaration.NO_INTEREST:
        return Clearance.CLEARED
    if assignment.declaration is Declaration.NOT_DECLARED:
        return Clearance.AWAITING_DECLARATION
    if assignment.decision is ConflictDecision.ALLOW:
        return Clearance.CLEARED
    if assignment.decision is ConflictDecision.RESTRICT:
        return Clearance.RESTRICTED
    return Clearance.AWAITING_DECISION


def assigned_groups(tender: Tender, assignment: EvaluatorAssignment) -> list[GroupSchema]:
    """The criteria groups this evaluator scores (every group when none were named)."""
    groups = CriteriaTreeSchema.model_validate(tender.criteria).groups
    if not assignment.group_keys:
        return groups
    return [g for g in groups if g.key in assignment.group_keys]


def judgement_criteria(groups: list[GroupSchema]) -> list[CriterionSchema]:
    """The criteria among these groups that evaluators score by judgement, in tree order."""
    return [c for g in groups for c in g.criteria if c.method is Method.JUDGEMENT]


async def assignment_of(
    session: AsyncSession, tender_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
) -> EvaluatorAssignment | None:
    """The user's assignment to the tender, if they have one."""
    statement = sa.select(EvaluatorAssignment).where(
        col(EvaluatorAssignment.tender_id) == tender_id,
        col(EvaluatorAssignment.user_id) == user_id,
    )
    if for_update:
        statement = statement.with_for_update()
    row: EvaluatorAssignment | None = await session.scalar(statement)
    return row


def require_assigned(assignment: EvaluatorAssignment | None) -> EvaluatorAssignment:
    """The assignment, or 403 for an evaluator not on the tender or removed from it."""
    if assignment is None:
        raise ForbiddenError("You are not an evaluator of this tender", code="not_assigned")
    if assignment.decision is ConflictDecision.REMOVE:
        raise ForbiddenError(
            "The lead removed you from this evaluation because of your declared interest",
            code="evaluator_removed",
        )
    return assignment


@dataclass(frozen=True)
class BidAccess:
    """What the caller may see of a tender's bids: every one, or only some; prices or not."""

    assignment: EvaluatorAssignment | None = None
    allowed_bid_ids: frozenset[uuid.UUID] | None = None  # None: every bid of the tender
    hides_prices: bool = False

    def narrow(self, statement: sa.Select[Any]) -> sa.Select[Any]:
        """The bid query limited to the bids the caller may see."""
        if self.allowed_bid_ids is None:
            return statement
        return statement.where(col(Bid.id).in_(self.allowed_bid_ids))

    def allows(self, bid_id: uuid.UUID) -> bool:
        """Whether the caller may see this bid."""
        return self.allowed_bid_ids is None or bid_id in self.allowed_bid_ids

    def require(self, bid_id: uuid.UUID) -> None:
        """403 bid_restricted unless the caller may see this bid."""
        if not self.allows(bid_id):
            raise ForbiddenError(
                "Because of your declared interest you may not see or score this bid",
                code="bid_restricted",
            )


EVERY_BID = BidAccess()


def _hides_prices(tender: Tender, assignment: EvaluatorAssignment) -> bool:
    scores_price = any(g.kind is GroupKind.PRICE for g in assigned_groups(tender, assignment))
    return tender.blind_pricing and not scores_price


async def bid_access(session: AsyncSession, actor: Principal, tender: Tender) -> BidAccess:
    """What the caller may see of the tender's bids; 403 for an evaluator not yet cleared.

    Other roles see bids as the sealing rules allow; this only governs evaluators.
    """
    if not actor.can(Permission.EVALUATE_BIDS):
        return EVERY_BID
    assignment = require_assigned(await assignment_of(session, tender.id, actor.user_id))
    clearance = clearance_of(assignment)
    if clearance in {Clearance.AWAITING_DECLARATION, Clearance.AWAITING_DECISION}:
        raise ForbiddenError(
            "Declare whether you have a conflict of interest before seeing the bids"
            if clearance is Clearance.AWAITING_DECLARATION
            else "The lead has not yet decided on the interest you declared",
            code="declaration_required",
        )
    allowed = None
    if clearance is Clearance.RESTRICTED:
        allowed = frozenset(uuid.UUID(b) for b in assignment.allowed_bid_ids)
    return BidAccess(assignment, allowed, _hides_prices(tender, assignment))
