"""Moderation: the lead reviews the evaluators' submitted scores and records a consensus."""

import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import Bid, ModeratedScore, Score, Supplier, Tender
from procurement.principal import Principal
from procurement.schemas.bid import BidStatus
from procurement.schemas.criteria import CriteriaTreeSchema, CriterionSchema
from procurement.schemas.scores import (
    ConsensusRead,
    ModerationItem,
    ModerationRead,
    ModerationSave,
    ModerationScore,
)
from procurement.services import audit
from procurement.services.evaluation import EvaluationService
from procurement.services.evaluation_state import (
    require_evaluation_open,
    require_evaluation_readable,
)
from procurement.services.evaluator_access import judgement_criteria
from procurement.services.queries import check_version
from procurement.services.scores import counting_evaluators, names_of, scale_error
from procurement.services.tenders import TenderService
from scoring.results import FlagKind

ENTITY = "moderated_score"
CENT = Decimal("0.01")


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def _criteria(tender: Tender) -> list[CriterionSchema]:
    return judgement_criteria(CriteriaTreeSchema.model_validate(tender.criteria).groups)


class ModerationService:
    """Shows the lead every submitted score side by side, and keeps the consensus they record."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def _spread_flags(self, tender: Tender) -> set[tuple[str, str]]:
        """(bid id, criterion key) pairs the scoring engine flags for evaluator spread."""
        result = await EvaluationService(self.session, self.actor).result(tender.id)
        return {
            (bid.bid_id, flag.criterion_key)
            for bid in result.bids
            for flag in bid.flags_of(FlagKind.EVALUATOR_SPREAD)
            if flag.criterion_key is not None
        }

    async def _submitted_scores(self, tender: Tender) -> list[Score]:
        counting = await counting_evaluators(self.session, tender.id)
        rows = await self.session.scalars(
            sa.select(Score)
            .where(
                col(Score.tender_id) == tender.id,
                col(Score.submitted_at).is_not(None),
                col(Score.evaluator_id).in_(counting),
            )
            .order_by(col(Score.submitted_at), col(Score.id))
        )
        return list(rows)

    async def _consensus_reads(self, rows: list[ModeratedScore]) -> list[ConsensusRead]:
        names = await names_of(self.session, {row.moderated_by_id for row in rows})
        return [
            ConsensusRead.model_validate(
                {**row.model_dump(), "moderated_by_name": names[row.moderated_by_id]}
            )
            for row in rows
        ]

    async def overview(self, tender_id: uuid.UUID) -> ModerationRead:
        """Per standing bid and judgement criterion: the submitted scores, mean and consensus."""
        self.actor.require(Permission.READ_EVALUATION)
        tender = await self.tenders.load(tender_id)
        require_evaluation_readable(tender)
        bids = (
            await self.session.execute(
                sa.select(Bid, col(Supplier.name))
                .join(Supplier, col(Supplier.id) == col(Bid.supplier_id))
                .where(col(Bid.tender_id) == tender.id, col(Bid.status) == BidStatus.SUBMITTED)
                .order_by(col(Bid.received_at), col(Bid.id))
            )
        ).all()
        scores = await self._submitted_scores(tender)
        names = await names_of(self.session, {row.evaluator_id for row in scores})
        by_item: dict[tuple[uuid.UUID, str], list[ModerationScore]] = defaultdict(list)
        for row in scores:
            by_item[(row.bid_id, row.criterion_key)].append(
                ModerationScore.model_validate(
                    {**row.model_dump(), "evaluator_name": names[row.evaluator_id]}
                )
            )
        consensus_rows = list(
            await self.session.scalars(
                sa.select(ModeratedScore).where(col(ModeratedScore.tender_id) == tender.id)
            )
        )
        consensus = {
            (read.bid_id, read.criterion_key): read
            for read in await self._consensus_reads(consensus_rows)
        }
        flagged = await self._spread_flags(tender)
        items = [
            ModerationItem(
                bid_id=bid.id,
                supplier_name=supplier_name,
                criterion_key=criterion.key,
                criterion_name=criterion.name,
                scale_maximum=criterion.scale.maximum if criterion.scale else Decimal(0),
                scores=by_item[(bid.id, criterion.key)],
                mean=_mean([s.value for s in by_item[(bid.id, criterion.key)]]),
                spread_flagged=(str(bid.id), criterion.key) in flagged,
                consensus=consensus.get((bid.id, criterion.key)),
            )
            for bid, supplier_name in bids
            for criterion in _criteria(tender)
        ]
        return ModerationRead(
            tender_id=tender.id, evaluation_version=tender.evaluation_version, items=items
        )

    async def moderate(self, tender_id: uuid.UUID, data: ModerationSave) -> ConsensusRead:
        """Record (or revise) the consensus for one criterion of one bid, with the reason.

        The evaluators' own scores are never changed; an earlier consensus stays in the trail.
        """
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        require_evaluation_open(tender)
        bid = await self.session.scalar(
            sa.select(Bid).where(col(Bid.id) == data.bid_id, col(Bid.tender_id) == tender.id)
        )
        if bid is None or bid.status is not BidStatus.SUBMITTED:
            raise InputError.single("bid_id", "Choose a standing bid of this tender")
        criterion = next((c for c in _criteria(tender) if c.key == data.criterion_key), None)
        if criterion is None:
            raise InputError.single(
                "criterion_key", "Choose a criterion the evaluators score by judgement"
            )
        if message := scale_error(criterion, data.value):
            raise InputError.single("value", message)
        counting = await counting_evaluators(self.session, tender.id)
        submitted = await self.session.scalar(
            sa.select(sa.func.count()).where(
                col(Score.bid_id) == bid.id,
                col(Score.criterion_key) == criterion.key,
                col(Score.submitted_at).is_not(None),
                col(Score.evaluator_id).in_(counting),
            )
        )
        if not submitted:
            raise ConflictError(
                "No evaluator has submitted a score for this yet; there is nothing to moderate",
                code="nothing_to_moderate",
            )
        row = await self.session.scalar(
            sa.select(ModeratedScore)
            .where(
                col(ModeratedScore.bid_id) == bid.id,
                col(ModeratedScore.criterion_key) == criterion.key,
            )
            .with_for_update()
        )
        before = None
        if row is None:
            if data.version is not None:
                raise InputError.single("version", "There is no consensus to revise; send null")
            row = ModeratedScore(
                tender_id=tender.id,
                bid_id=bid.id,
                criterion_key=criterion.key,
                value=data.value,
                note=data.note,
                moderated_by_id=self.actor.user_id,
            )
            self.session.add(row)
        else:
            check_version("The consensus", row.version, data.version or 0)
            before = audit.snapshot(row)
            row.value, row.note, row.moderated_by_id = data.value, data.note, self.actor.user_id
            row.touch()
        tender.evaluation_inputs_changed()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=ENTITY,
            entity_id=row.id,
            action="moderate",
            summary=f"Recorded the consensus for {criterion.name} on a bid for {tender.reference}",
            before=before,
            after=audit.snapshot(row),
        )
        await self.session.commit()
        return (await self._consensus_reads([row]))[0]

    async def item(self, tender_id: uuid.UUID, bid_id: uuid.UUID, key: str) -> ModerationItem:
        """One bid's criterion from the overview, or 404."""
        overview = await self.overview(tender_id)
        found = next(
            (i for i in overview.items if i.bid_id == bid_id and i.criterion_key == key), None
        )
        if found is None:
            raise NotFoundError("Moderation item")
        return found
