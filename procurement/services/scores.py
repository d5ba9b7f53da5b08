"""Evaluators' scores: drafts saved independently, then submitted as a set and fixed for good."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import ConflictDecision
from procurement.domain.lifecycle import TenderAction, TenderStatus, next_status
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, FieldError, InputError, NotFoundError
from procurement.models import Bid, EvaluatorAssignment, Score, Supplier, Tender, User
from procurement.models.base import utc_now
from procurement.models.score import SCORE_PLACES
from procurement.principal import Principal
from procurement.schemas.bid import BidStatus
from procurement.schemas.criteria import CriterionSchema
from procurement.schemas.scores import (
    BidScoresRead,
    MissingScore,
    ScoreRead,
    ScoresSave,
    ScoreSubmission,
    ScoringProgress,
)
from procurement.services import audit
from procurement.services.audit_redaction import BID_ENTITY, SAVE_DRAFT_SCORES
from procurement.services.evaluation_state import (
    require_evaluation_open,
    require_evaluation_readable,
)
from procurement.services.evaluator_access import (
    BidAccess,
    assigned_groups,
    bid_access,
    judgement_criteria,
)
from procurement.services.evaluators import require_any
from procurement.services.queries import check_version
from procurement.services.tenders import TenderService


def scale_error(criterion: CriterionSchema, value: Decimal) -> str | None:
    """Why the value is not on the criterion's scale, or None when it is."""
    if criterion.scale is None:
        return f"{criterion.name} has no scale to score on"
    maximum = criterion.scale.maximum
    if value > maximum:
        return f"Give a score from 0 to {maximum.normalize():f}"
    levels = [level.value for level in criterion.scale.levels]
    if levels and value not in levels:
        allowed = ", ".join(f"{level.normalize():f}" for level in sorted(levels))
        return f"Choose one of the scale's levels: {allowed}"
    return None


def draft_facts(row: Score) -> dict[str, Any]:
    """What the audit trail keeps of a draft score: which score it is and a digest of its value
    and rationale, which stay the evaluator's own until their set is submitted."""
    contents = {
        "id": str(row.id),  # so equal drafts of different scores have different digests
        "version": row.version,
        "value": f"{row.value:.{SCORE_PLACES}f}",
        "rationale": row.rationale,
    }
    return {
        "id": str(row.id),
        "bid_id": str(row.bid_id),
        "evaluator_id": str(row.evaluator_id),
        "criterion_key": row.criterion_key,
        "version": row.version,
        "contents_sha256": audit.content_digest(contents),
    }


async def visible_bids(session: AsyncSession, tender: Tender, access: BidAccess) -> list[Bid]:
    """The standing bids the caller may see and must score, in the order they arrived."""
    statement = access.narrow(
        sa.select(Bid)
        .where(
            col(Bid.tender_id) == tender.id,
            col(Bid.status) == BidStatus.SUBMITTED,
            col(Bid.excluded_at).is_(None),
        )
        .order_by(col(Bid.received_at), col(Bid.id))
    )
    return list(await session.scalars(statement))


async def counting_evaluators(session: AsyncSession, tender_id: uuid.UUID) -> set[uuid.UUID]:
    """The evaluators whose submitted scores count: assigned, submitted and not removed."""
    rows = await session.scalars(
        sa.select(EvaluatorAssignment).where(
            col(EvaluatorAssignment.tender_id) == tender_id,
            col(EvaluatorAssignment.scores_submitted_at).is_not(None),
        )
    )
    return {row.user_id for row in rows if row.decision is not ConflictDecision.REMOVE}


async def names_of(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Users' full names by id."""
    rows = await session.execute(
        sa.select(col(User.id), col(User.full_name)).where(col(User.id).in_(user_ids))
    )
    return dict(rows.tuples().all())


@dataclass(frozen=True)
class Scoring:
    """An evaluator's standing on a tender: their assignment, what they see and score."""

    tender: Tender
    assignment: EvaluatorAssignment
    access: BidAccess
    criteria: list[CriterionSchema]

    def criterion(self, key: str) -> CriterionSchema | None:
        """One of the criteria the evaluator scores."""
        return next((c for c in self.criteria if c.key == key), None)

    def require_not_submitted(self) -> None:
        """409 once the evaluator's set is submitted: it never changes again."""
        if self.assignment.scores_submitted_at is not None:
            raise ConflictError(
                "You have submitted your scores; they can no longer change",
                code="scores_submitted",
            )


class ScoreService:
    """Each evaluator scores alone; nobody sees another's drafts."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def standing(self, tender_id: uuid.UUID, *, for_update: bool = False) -> Scoring:
        """The caller's standing as an evaluator of the tender (403 until they are cleared)."""
        self.actor.require(Permission.EVALUATE_BIDS)
        tender = await self.tenders.load(tender_id, for_update=for_update)
        access = await bid_access(self.session, self.actor, tender)
        assert access.assignment is not None  # evaluators always have one past the gate
        criteria = judgement_criteria(assigned_groups(tender, access.assignment))
        return Scoring(tender, access.assignment, access, criteria)

    async def _bid(self, tender: Tender, bid_id: uuid.UUID) -> Bid:
        bid = await self.session.scalar(
            sa.select(Bid).where(col(Bid.id) == bid_id, col(Bid.tender_id) == tender.id)
        )
        if bid is None:
            raise NotFoundError("Bid")
        return bid

    async def _own(self, tender: Tender, bid_ids: Sequence[uuid.UUID]) -> list[Score]:
        rows = await self.session.scalars(
            sa.select(Score)
            .where(
                col(Score.tender_id) == tender.id,
                col(Score.evaluator_id) == self.actor.user_id,
                col(Score.bid_id).in_(bid_ids),
            )
            .order_by(col(Score.criterion_key))
        )
        return list(rows)

    async def _reads(self, rows: Sequence[Score]) -> list[ScoreRead]:
        names = await names_of(self.session, {row.evaluator_id for row in rows})
        return [
            ScoreRead.model_validate(
                {**row.model_dump(), "evaluator_name": names[row.evaluator_id]}
            )
            for row in rows
        ]

    async def get(self, tender_id: uuid.UUID, bid_id: uuid.UUID) -> BidScoresRead:
        """The scores of one bid the caller may see.

        An evaluator sees their own drafts and scores, and once their own set is submitted the
        other evaluators' submitted scores too; the lead sees every submitted score.
        """
        require_any(self.actor, Permission.EVALUATE_BIDS, Permission.READ_EVALUATION)
        if self.actor.can(Permission.EVALUATE_BIDS):
            standing = await self.standing(tender_id)
            tender, submitted = standing.tender, standing.assignment.scores_submitted_at
            bid = await self._bid(tender, bid_id)
            standing.access.require(bid.id)
            own = await self._own(tender, [bid.id])
            others = await self._submitted(tender, bid.id) if submitted else []
            rows = own + [row for row in others if row.evaluator_id != self.actor.user_id]
            return BidScoresRead(
                bid_id=bid.id,
                own_set_submitted=submitted is not None,
                scores=await self._reads(rows),
            )
        tender = await self.tenders.load(tender_id)
        require_evaluation_readable(tender)
        bid = await self._bid(tender, bid_id)
        rows = await self._submitted(tender, bid.id)
        return BidScoresRead(bid_id=bid.id, own_set_submitted=False, scores=await self._reads(rows))

    async def _submitted(self, tender: Tender, bid_id: uuid.UUID) -> list[Score]:
        counting = await counting_evaluators(self.session, tender.id)
        rows = await self.session.scalars(
            sa.select(Score)
            .where(
                col(Score.bid_id) == bid_id,
                col(Score.submitted_at).is_not(None),
                col(Score.evaluator_id).in_(counting),
            )
            .order_by(col(Score.criterion_key), col(Score.submitted_at))
        )
        return list(rows)

    def _check_inputs(self, standing: Scoring, data: ScoresSave) -> None:
        errors: list[FieldError] = []
        seen: set[str] = set()
        for index, item in enumerate(data.scores):
            criterion = standing.criterion(item.criterion_key)
            if criterion is None:
                errors.append(
                    FieldError(
                        f"scores.{index}.criterion_key",
                        "Not a judgement criterion in the groups you score",
                    )
                )
            elif item.criterion_key in seen:
                errors.append(
                    FieldError(f"scores.{index}.criterion_key", "This criterion is given twice")
                )
            elif message := scale_error(criterion, item.value):
                errors.append(FieldError(f"scores.{index}.value", message))
            seen.add(item.criterion_key)
        if errors:
            raise InputError(errors)

    async def save(
        self, tender_id: uuid.UUID, bid_id: uuid.UUID, data: ScoresSave
    ) -> BidScoresRead:
        """Save the caller's draft scores for one bid: all of them, or none if any is refused."""
        standing = await self.standing(tender_id, for_update=True)
        tender = standing.tender
        require_evaluation_open(tender)
        standing.require_not_submitted()
        bid = await self._bid(tender, bid_id)
        standing.access.require(bid.id)
        if bid.status is not BidStatus.SUBMITTED:
            raise ConflictError("This bid was withdrawn; it is not scored", code="bid_withdrawn")
        self._check_inputs(standing, data)
        existing = {row.criterion_key: row for row in await self._own(tender, [bid.id])}
        # Every version is checked before anything changes, so a stale one saves nothing.
        for index, item in enumerate(data.scores):
            row = existing.get(item.criterion_key)
            if row is not None:
                check_version(
                    f"Your score for {item.criterion_key}", row.version, item.version or 0
                )
            elif item.version is not None:
                raise InputError.single(
                    f"scores.{index}.version", "There is no saved score to update; send null"
                )
        before = {key: draft_facts(row) for key, row in existing.items()}
        before_status = tender.status
        if tender.status is TenderStatus.CLOSED:  # the first score saved starts the evaluation
            tender.status = next_status(tender.status, TenderAction.BEGIN_EVALUATION)
            tender.touch()
        for item in data.scores:
            row = existing.get(item.criterion_key)
            if row is None:
                row = Score(
                    tender_id=tender.id,
                    bid_id=bid.id,
                    evaluator_id=self.actor.user_id,
                    criterion_key=item.criterion_key,
                    value=item.value,
                    rationale=item.rationale,
                )
                self.session.add(row)
                existing[item.criterion_key] = row
            else:
                row.value, row.rationale = item.value, item.rationale
                row.touch()
        began = " and began the evaluation" if tender.status is not before_status else ""
        # One event for the whole save, as it is one change: all of it or none.
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=BID_ENTITY,
            entity_id=bid.id,
            action=SAVE_DRAFT_SCORES,
            summary=f"Saved draft scores for {', '.join(i.criterion_key for i in data.scores)} "
            f"on a bid for {tender.reference}{began}",
            before={"tender_status": before_status.value, "scores": before},
            after={
                "tender_status": tender.status.value,
                "scores": {key: draft_facts(row) for key, row in existing.items()},
            },
        )
        await self.session.commit()
        rows = sorted(existing.values(), key=lambda row: row.criterion_key)
        return BidScoresRead(bid_id=bid.id, own_set_submitted=False, scores=await self._reads(rows))

    async def _supplier_names(self, bids: list[Bid]) -> dict[uuid.UUID, str]:
        rows = await self.session.execute(
            sa.select(col(Supplier.id), col(Supplier.name)).where(
                col(Supplier.id).in_({bid.supplier_id for bid in bids})
            )
        )
        return dict(rows.tuples().all())

    async def _scored(self, standing: Scoring, bids: list[Bid]) -> set[tuple[uuid.UUID, str]]:
        rows = await self._own(standing.tender, [bid.id for bid in bids])
        return {(row.bid_id, row.criterion_key) for row in rows}

    async def progress(self, tender_id: uuid.UUID) -> list[ScoringProgress]:
        """For each bid the caller scores, how many of their criteria they have scored."""
        standing = await self.standing(tender_id)
        bids = await visible_bids(self.session, standing.tender, standing.access)
        scored = await self._scored(standing, bids)
        names = await self._supplier_names(bids)
        return [
            ScoringProgress(
                bid_id=bid.id,
                supplier_name=names[bid.supplier_id],
                scored=sum(1 for c in standing.criteria if (bid.id, c.key) in scored),
                required=len(standing.criteria),
            )
            for bid in bids
        ]

    async def submit(self, tender_id: uuid.UUID) -> ScoreSubmission:
        """Submit the caller's whole set: every bid they see, on every criterion they score."""
        standing = await self.standing(tender_id, for_update=True)
        tender, assignment = standing.tender, standing.assignment
        require_evaluation_open(tender)
        standing.require_not_submitted()
        bids = await visible_bids(self.session, tender, standing.access)
        scored = await self._scored(standing, bids)
        names = await self._supplier_names(bids)
        missing = [
            MissingScore(bid_id=bid.id, supplier_name=names[bid.supplier_id], criterion_key=c.key)
            for bid in bids
            for c in standing.criteria
            if (bid.id, c.key) not in scored
        ]
        if missing:
            raise ConflictError(
                f"{len(missing)} scores are still to be given before the set can be submitted",
                code="scores_incomplete",
                missing=[m.model_dump(mode="json") for m in missing],
            )
        now = utc_now()
        rows = await self._own(tender, [bid.id for bid in bids])
        for row in rows:
            row.submitted_at = now
            row.touch()
        before = audit.snapshot(assignment)
        assignment.scores_submitted_at = now
        assignment.touch()
        tender.evaluation_inputs_changed()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type="evaluator_assignment",
            entity_id=assignment.id,
            action="submit_scores",
            summary=f"Submitted {len(rows)} scores on {tender.reference}",
            before=before,
            after={**audit.snapshot(assignment), "score_ids": [str(row.id) for row in rows]},
        )
        await self.session.commit()
        return ScoreSubmission(
            tender_id=tender.id,
            evaluator_id=self.actor.user_id,
            scores_submitted_at=now,
            submitted_count=len(rows),
        )
