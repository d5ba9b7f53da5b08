"""The evaluation workflow through the services, on each database: assign, declare, score,
submit and moderate; a stale save never overwrites, and submitted scores are kept."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import ConflictError, ForbiddenError, InputError, StaleVersionError
from procurement.models import AuditEvent, Bid, Score, Tender
from procurement.principal import Principal
from procurement.schemas.evaluators import ConflictDecisionSave, DeclarationSave, EvaluatorAssign
from procurement.schemas.scores import ModerationSave, ScoreInput, ScoresSave
from procurement.services.bids import BidService
from procurement.services.declarations import DeclarationService
from procurement.services.evaluators import EvaluatorService
from procurement.services.moderation import ModerationService
from procurement.services.scores import ScoreService
from tests.factories import (
    judged_on_two_scales,
    make_bid,
    make_supplier,
    make_tender,
    make_user,
)
from tests.integration.support import Council, field_of


async def _closed_with_bids(session: AsyncSession, council: Council) -> tuple[Tender, list[Bid]]:
    tender = await make_tender(
        session,
        council.organisation,
        council.officer_user,
        TenderStatus.CLOSED,
        criteria=judged_on_two_scales(),
    )
    bids = []
    for price in ("100.00", "90.00"):
        supplier = await make_supplier(session, council.organisation)
        bids.append(await make_bid(session, tender, supplier, council.officer_user, price))
    return tender, bids


async def _cleared(
    session: AsyncSession, council: Council, tender: Tender, evaluator: Principal
) -> None:
    assignment = await EvaluatorService(session, council.officer).assign(
        tender.id, EvaluatorAssign(user_id=evaluator.user_id)
    )
    await DeclarationService(session, evaluator).declare(
        tender.id, DeclarationSave(declaration=Declaration.NO_INTEREST, version=assignment.version)
    )


def _scores(*items: tuple[str, str, int | None]) -> ScoresSave:
    return ScoresSave(
        scores=[
            ScoreInput(criterion_key=key, value=Decimal(value), rationale="Evidence", version=v)
            for key, value, v in items
        ]
    )


async def test_a_stale_save_never_overwrites_and_saves_nothing_else(
    session: AsyncSession, council: Council
) -> None:
    tender, [bid, _] = await _closed_with_bids(session, council)
    tender_id, bid_id = tender.id, bid.id  # the rollback below expires the rows
    evaluator = council.as_role(Role.EVALUATOR)
    await _cleared(session, council, tender, evaluator)
    service = ScoreService(session, evaluator)
    await service.save(tender_id, bid_id, _scores(("method", "3", None)))
    await service.save(tender_id, bid_id, _scores(("method", "4", 1)))
    with pytest.raises(StaleVersionError):
        await service.save(tender_id, bid_id, _scores(("team", "8", None), ("method", "1", 1)))
    await session.rollback()
    rows = (await session.scalars(sa.select(Score).where(col(Score.bid_id) == bid_id))).all()
    assert [(r.criterion_key, r.value, r.version) for r in rows] == [("method", Decimal("4"), 2)]
    status = await session.scalar(sa.select(col(Tender.status)).where(col(Tender.id) == tender_id))
    assert status is TenderStatus.EVALUATING


async def test_submitted_scores_are_kept_through_moderation(
    session: AsyncSession, council: Council
) -> None:
    tender, bids = await _closed_with_bids(session, council)
    tender_id, bid_ids = tender.id, [bid.id for bid in bids]  # the rollback expires the rows
    evaluator, officer = council.as_role(Role.EVALUATOR), council.officer
    await _cleared(session, council, tender, evaluator)
    service = ScoreService(session, evaluator)
    for bid_id in bid_ids:
        await service.save(tender_id, bid_id, _scores(("method", "5", None), ("team", "2.5", None)))
    submitted = await service.submit(tender_id)
    assert submitted.submitted_count == 4
    with pytest.raises(ConflictError, match=r"^scores_submitted"):
        await service.save(tender_id, bid_ids[0], _scores(("method", "1", 2)))
    await session.rollback()

    moderation = ModerationService(session, officer)
    data = ModerationSave(
        bid_id=bid_ids[0], criterion_key="method", value=Decimal("4"), note="Agreed"
    )
    consensus = await moderation.moderate(tender_id, data)
    revised = await moderation.moderate(
        tender_id, data.model_copy(update={"value": Decimal("3"), "version": consensus.version})
    )
    assert revised.value == Decimal("3")
    rows = (await session.scalars(sa.select(Score).where(col(Score.bid_id) == bid_ids[0]))).all()
    assert sorted((r.criterion_key, r.value) for r in rows) == [
        ("method", Decimal("5")),
        ("team", Decimal("2.5")),
    ]
    assert all(r.submitted_at is not None for r in rows)
    overview = await moderation.overview(tender_id)
    item = next(i for i in overview.items if i.bid_id == bid_ids[0] and i.criterion_key == "method")
    assert (item.mean, item.consensus and item.consensus.value) == (Decimal("5"), Decimal("3"))
    actions = (
        await session.scalars(
            sa.select(col(AuditEvent.action))
            .where(col(AuditEvent.tender_id) == tender_id)
            .order_by(col(AuditEvent.position))
        )
    ).all()
    assert actions == [
        "assign",
        "declare",
        "save_draft_scores",
        "save_draft_scores",
        "submit_scores",
        "moderate",
        "moderate",
    ]


async def test_a_restricted_evaluator_reads_only_the_bids_allowed(
    session: AsyncSession, council: Council
) -> None:
    tender, [hidden, allowed] = await _closed_with_bids(session, council)
    evaluator = council.as_role(Role.EVALUATOR)
    assignment = await EvaluatorService(session, council.officer).assign(
        tender.id, EvaluatorAssign(user_id=evaluator.user_id, group_keys=["quality"])
    )
    declared = await DeclarationService(session, evaluator).declare(
        tender.id,
        DeclarationSave(
            declaration=Declaration.INTEREST,
            interest_details="Former employee",
            version=assignment.version,
        ),
    )
    with pytest.raises(ForbiddenError, match=r"^declaration_required"):
        await BidService(session, evaluator).list(tender.id, 10, 0)
    await DeclarationService(session, council.officer).decide(
        tender.id,
        declared.id,
        ConflictDecisionSave(
            decision=ConflictDecision.RESTRICT,
            note="Left years ago",
            allowed_bid_ids=[allowed.id],
            version=declared.version,
        ),
    )
    page = await BidService(session, evaluator).list(tender.id, 10, 0)
    # Blind pricing: the evaluator scores only quality, so sees no price.
    assert [(b.id, getattr(b, "price", "?")) for b in page.items] == [(allowed.id, None)]
    with pytest.raises(ForbiddenError, match=r"^bid_restricted"):
        await BidService(session, evaluator).get(tender.id, hidden.id)


async def test_an_evaluator_of_another_council_is_not_assigned(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    tender, _ = await _closed_with_bids(session, council)
    stranger = await make_user(session, other_council.organisation, Role.EVALUATOR)
    with pytest.raises(InputError) as caught:
        await EvaluatorService(session, council.officer).assign(
            tender.id, EvaluatorAssign(user_id=stranger.id)
        )
    assert field_of(caught.value) == "user_id"
