"""From the database to the scoring engine's inputs: the tree, the rules, the bids, the catalogue.

Everything is read in five queries whatever the number of bids, evaluators or scores.
"""

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import ConflictDecision
from procurement.domain.postcodes import is_in_local_area
from procurement.models import (
    Bid,
    EvaluatorAssignment,
    ModeratedScore,
    Organisation,
    Score,
    Supplier,
    Tender,
)
from procurement.schemas.bid import BidStatus
from procurement.schemas.criteria import EvaluationRulesSchema
from procurement.services.criteria import tree_of, valued_on
from procurement.services.measures import catalogue_on
from scoring.bids import BidInput, Commitment, EvaluationRules, ProxyValue
from scoring.criteria import CriteriaTree


@dataclass(frozen=True)
class EngineInputs:
    """Everything `scoring.engine.evaluate` needs for one tender."""

    tree: CriteriaTree
    bids: tuple[BidInput, ...]
    catalogue: Mapping[str, ProxyValue]
    rules: EvaluationRules


# Per bid id, per criterion key: the submitted scores, or the moderated value.
_Scores = dict[uuid.UUID, dict[str, list[Decimal]]]
_Moderated = dict[uuid.UUID, dict[str, Decimal]]


async def _submitted_scores(session: AsyncSession, tender_id: uuid.UUID) -> _Scores:
    # Scores count once submitted, unless the lead removed their evaluator for a conflict.
    removed = sa.select(col(EvaluatorAssignment.user_id)).where(
        col(EvaluatorAssignment.tender_id) == tender_id,
        col(EvaluatorAssignment.decision) == ConflictDecision.REMOVE,
    )
    rows = await session.execute(
        sa.select(col(Score.bid_id), col(Score.criterion_key), col(Score.value))
        .where(
            col(Score.tender_id) == tender_id,
            col(Score.submitted_at).is_not(None),
            col(Score.evaluator_id).not_in(removed),
        )
        # A fixed order, so the same scores always reach the engine the same way.
        .order_by(col(Score.bid_id), col(Score.criterion_key), col(Score.evaluator_id))
    )
    scores: _Scores = defaultdict(lambda: defaultdict(list))
    for bid_id, criterion_key, value in rows.tuples():
        scores[bid_id][criterion_key].append(value)
    return scores


async def _moderated_scores(session: AsyncSession, tender_id: uuid.UUID) -> _Moderated:
    rows = await session.execute(
        sa.select(
            col(ModeratedScore.bid_id), col(ModeratedScore.criterion_key), col(ModeratedScore.value)
        ).where(col(ModeratedScore.tender_id) == tender_id)
    )
    moderated: _Moderated = defaultdict(dict)
    for bid_id, criterion_key, value in rows.tuples():
        moderated[bid_id][criterion_key] = value
    return moderated


def bid_input(
    bid: Bid,
    supplier: Supplier,
    local_area: list[str],
    scores: Mapping[str, list[Decimal]],
    moderated: Mapping[str, Decimal],
) -> BidInput:
    """One stored bid as the engine sees it."""
    return BidInput(
        bid_id=str(bid.id),
        supplier_name=supplier.name,
        price=bid.price,
        submitted_at=bid.received_at,
        is_local=is_in_local_area(supplier.postcode, local_area),
        metric_answers={key: Decimal(value) for key, value in bid.metric_answers.items()},
        commitments=tuple(
            Commitment(measure_code=c["measure_code"], quantity=Decimal(c["quantity"]))
            for c in bid.commitments
        ),
        judgement_scores={key: tuple(values) for key, values in scores.items()},
        moderated_scores=dict(moderated),
        pass_fail_answers=dict(bid.pass_fail_answers),
        excluded_reason=bid.excluded_reason,
    )


async def load_engine_inputs(session: AsyncSession, tender: Tender) -> EngineInputs:
    """The engine's inputs for a tender: every submitted (not withdrawn) bid, in a fixed order."""
    organisation = await session.get(Organisation, tender.organisation_id)
    local_area = organisation.local_area if organisation is not None else []
    rows = await session.execute(
        sa.select(Bid, Supplier)
        .join(Supplier, col(Supplier.id) == col(Bid.supplier_id))
        .where(col(Bid.tender_id) == tender.id, col(Bid.status) == BidStatus.SUBMITTED)
        .order_by(col(Bid.received_at), col(Bid.id))
    )
    scores = await _submitted_scores(session, tender.id)
    moderated = await _moderated_scores(session, tender.id)
    bids = tuple(
        bid_input(bid, supplier, local_area, scores.get(bid.id, {}), moderated.get(bid.id, {}))
        for bid, supplier in rows.tuples()
    )
    return EngineInputs(
        tree=tree_of(tender).to_engine(),
        bids=bids,
        catalogue=await catalogue_on(session, tender.organisation_id, valued_on(tender)),
        rules=EvaluationRulesSchema.model_validate(tender.evaluation_rules).to_engine(),
    )
