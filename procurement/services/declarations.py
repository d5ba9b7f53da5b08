"""Conflict-of-interest declarations, and the lead's decision on a declared interest."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, InputError
from procurement.models import Bid, EvaluatorAssignment
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.evaluators import ConflictDecisionSave, DeclarationSave, EvaluatorRead
from procurement.services import audit
from procurement.services.evaluation_state import require_evaluation_open
from procurement.services.evaluator_access import assignment_of, require_assigned
from procurement.services.evaluators import (
    ENTITY,
    EvaluatorService,
    load_assignment,
    read_assignments,
)
from procurement.services.queries import check_version
from procurement.services.tenders import TenderService


def _require_not_submitted(assignment: EvaluatorAssignment) -> None:
    if assignment.scores_submitted_at is not None:
        raise ConflictError(
            "You have submitted your scores; your declaration can no longer change",
            code="scores_submitted",
        )


def _clear_decision(assignment: EvaluatorAssignment) -> None:
    assignment.decision = None
    assignment.decision_note = None
    assignment.allowed_bid_ids = []
    assignment.decided_by_id = None
    assignment.decided_at = None


class DeclarationService:
    """Evaluators declare their interests; the lead decides what a declared interest means."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def declarations(self, tender_id: uuid.UUID) -> list[EvaluatorRead]:
        """Every declaration for the lead and administrators; an evaluator sees their own."""
        return await EvaluatorService(self.session, self.actor).assignments(tender_id)

    async def declare(self, tender_id: uuid.UUID, data: DeclarationSave) -> EvaluatorRead:
        """Record the caller's declaration. Declaring an interest (again) awaits a new decision."""
        self.actor.require(Permission.EVALUATE_BIDS)
        tender = await self.tenders.load(tender_id, for_update=True)
        assignment = require_assigned(
            await assignment_of(self.session, tender.id, self.actor.user_id, for_update=True)
        )
        require_evaluation_open(tender)
        _require_not_submitted(assignment)
        check_version("Your declaration", assignment.version, data.version)
        details = data.interest_details or None
        if data.declaration is Declaration.INTEREST and details is None:
            raise InputError.single(
                "interest_details", "Describe the interest: what it is, and with which bidder"
            )
        before = audit.snapshot(assignment)
        assignment.declaration = Declaration(data.declaration)
        assignment.interest_details = details if data.declaration is Declaration.INTEREST else None
        assignment.declared_at = utc_now()
        # A decision answers the interest declared before; a new declaration needs a new one.
        _clear_decision(assignment)
        assignment.touch()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=ENTITY,
            entity_id=assignment.id,
            action="declare",
            summary=f"Declared {assignment.declaration.value.replace('_', ' ')} "
            f"on {tender.reference}",
            before=before,
            after=audit.snapshot(assignment),
        )
        await self.session.commit()
        return (await read_assignments(self.session, [assignment]))[0]

    async def _check_allowed_bids(self, tender_id: uuid.UUID, data: ConflictDecisionSave) -> None:
        if data.decision is not ConflictDecision.RESTRICT:
            if data.allowed_bid_ids:
                raise InputError.single(
                    "allowed_bid_ids", "Name bids only when restricting the evaluator to them"
                )
            return
        if not data.allowed_bid_ids:
            raise InputError.single(
                "allowed_bid_ids", "Choose the bids the evaluator may see and score"
            )
        found = set(
            await self.session.scalars(
                sa.select(col(Bid.id)).where(
                    col(Bid.tender_id) == tender_id, col(Bid.id).in_(data.allowed_bid_ids)
                )
            )
        )
        if found != set(data.allowed_bid_ids):
            raise InputError.single("allowed_bid_ids", "Choose only bids made for this tender")

    async def decide(
        self, tender_id: uuid.UUID, assignment_id: uuid.UUID, data: ConflictDecisionSave
    ) -> EvaluatorRead:
        """Allow, restrict or remove an evaluator who declared an interest, with the reason."""
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        assignment = await load_assignment(self.session, tender, assignment_id)
        require_evaluation_open(tender)
        check_version("The declaration", assignment.version, data.version)
        if assignment.declaration is not Declaration.INTEREST:
            raise ConflictError(
                "A decision is needed only on a declared interest; "
                f"this evaluator's declaration is {assignment.declaration.value}",
                code="no_interest_declared",
                declaration=assignment.declaration.value,
            )
        await self._check_allowed_bids(tender.id, data)
        before = audit.snapshot(assignment)
        assignment.decision = data.decision
        assignment.decision_note = data.note
        assignment.allowed_bid_ids = list(dict.fromkeys(str(b) for b in data.allowed_bid_ids))
        assignment.decided_by_id = self.actor.user_id
        assignment.decided_at = utc_now()
        assignment.touch()
        # Which evaluators (and which of their scores) count is an input to the results.
        tender.evaluation_inputs_changed()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=ENTITY,
            entity_id=assignment.id,
            action="decide",
            summary=f"Decided to {data.decision.value} an evaluator of {tender.reference} "
            "despite a declared interest"
            if data.decision is not ConflictDecision.REMOVE
            else f"Removed an evaluator of {tender.reference} for a declared interest",
            before=before,
            after=audit.snapshot(assignment),
        )
        await self.session.commit()
        return (await read_assignments(self.session, [assignment]))[0]
