"""A council's whole story through the services, for the audit witness tests: a tender from
draft to award (criteria, bids, an evaluator who declares, scores and submits, moderation, an
exclusion), a capital scheme it delivers, and a published summary of the programme."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.config import Settings
from procurement.domain.capital import FundingSource
from procurement.domain.dates import LONDON
from procurement.domain.evaluation import Declaration
from procurement.domain.lifecycle import TenderAction
from procurement.domain.roles import Role
from procurement.models.base import utc_now
from procurement.schemas.award import AwardCreate
from procurement.schemas.bid import BidSubmit
from procurement.schemas.capital_project import CapitalProjectCreate, FundingLine, ProfileLine
from procurement.schemas.evaluation import BidExclusion
from procurement.schemas.evaluators import DeclarationSave, EvaluatorAssign
from procurement.schemas.publication import PublicationCreate
from procurement.schemas.scores import ModerationSave, ScoreInput, ScoresSave
from procurement.schemas.tender import TenderTransition
from procurement.schemas.tender_criteria import TenderCriteriaUpdate
from procurement.services.awards import AwardService
from procurement.services.bids import BidService
from procurement.services.capital_projects import CapitalProjectService
from procurement.services.criteria import CriteriaService
from procurement.services.declarations import DeclarationService
from procurement.services.evaluators import EvaluatorService
from procurement.services.exclusions import ExclusionService
from procurement.services.moderation import ModerationService
from procurement.services.publications import PublicationService
from procurement.services.scores import ScoreService
from procurement.services.tenders import TenderService
from tests.factories import judged_on_two_scales
from tests.integration.support import Council, make_council, supplier_account, tender_data


@dataclass(frozen=True)
class Journey:
    """What the story left behind."""

    council: Council
    tender_id: uuid.UUID
    winner_id: uuid.UUID
    excluded_id: uuid.UUID
    project_id: uuid.UUID | None
    publication_id: uuid.UUID | None


async def _bid(
    session: AsyncSession, council: Council, tender_id: uuid.UUID, name: str, price: str
) -> uuid.UUID:
    _, bidder = await supplier_account(session, council, name=name, postcode="NN8 4EG")
    bid = await BidService(session, bidder).submit(
        tender_id,
        BidSubmit.model_validate(
            {
                "price": price,
                "quality_responses": {"method": "Safely and on time", "team": "Our best"},
            }
        ),
    )
    return bid.id


async def _scored(
    session: AsyncSession, council: Council, tender_id: uuid.UUID, bids: list[uuid.UUID]
) -> None:
    evaluator = council.as_role(Role.EVALUATOR)
    assignment = await EvaluatorService(session, council.officer).assign(
        tender_id, EvaluatorAssign(user_id=evaluator.user_id)
    )
    await DeclarationService(session, evaluator).declare(
        tender_id, DeclarationSave(declaration=Declaration.NO_INTEREST, version=assignment.version)
    )
    scores = ScoreService(session, evaluator)
    for bid_id, method in zip(bids, ("4", "2", "1"), strict=True):
        await scores.save(
            tender_id,
            bid_id,
            ScoresSave(
                scores=[
                    ScoreInput(criterion_key="method", value=Decimal(method), rationale="Good"),
                    ScoreInput(criterion_key="team", value=Decimal("7"), rationale="Strong"),
                ]
            ),
        )
    await scores.submit(tender_id)
    await ModerationService(session, council.officer).moderate(
        tender_id,
        ModerationSave(
            bid_id=bids[1], criterion_key="method", value=Decimal("3"), note="Agreed at panel"
        ),
    )


async def awarded_tender(session: AsyncSession, council: Council) -> tuple[uuid.UUID, ...]:
    """A tender taken through to its award: its id, the winner's and the excluded bid's."""
    officer = council.officer
    tenders = TenderService(session, officer)
    tender = await tenders.create(tender_data("NB-2026-001", deadline_in=timedelta(days=1)))
    await CriteriaService(session, officer).replace(
        tender.id,
        TenderCriteriaUpdate.model_validate(
            {"tree": judged_on_two_scales(), "version": tender.version}
        ),
    )
    await tenders.transition(tender.id, TenderAction.PUBLISH, TenderTransition())
    bids = [
        await _bid(session, council, tender.id, name, price)
        for name, price in (
            ("Alpha Ltd", "90000.00"),
            ("Beta Ltd", "95000.00"),
            ("Gamma Ltd", "80000.00"),
        )
    ]
    await tenders.transition(
        tender.id, TenderAction.CLOSE, TenderTransition(reason="Every bid is in")
    )
    await _scored(session, council, tender.id, bids)
    await ExclusionService(session, officer).exclude(
        tender.id, bids[2], BidExclusion(reason="Arrived incomplete")
    )
    await AwardService(session, officer).create(
        tender.id,
        AwardCreate.model_validate(
            {
                "bid_id": str(bids[0]),
                "decision_date": utc_now().astimezone(LONDON).date().isoformat(),
                "rationale": "Best value on the published criteria",
            }
        ),
    )
    return tender.id, bids[0], bids[2]


async def journey(
    session: AsyncSession, settings: Settings | None = None, *, capital: bool = True
) -> Journey:
    """The whole story for Northborough Council; with settings, a summary is published."""
    council = await make_council(session, "Northborough Council")
    tender_id, winner_id, excluded_id = await awarded_tender(session, council)
    project_id = publication_id = None
    if capital:
        finance = council.as_role(Role.FINANCE)
        project = await CapitalProjectService(session, finance).create(
            CapitalProjectCreate(
                code="CAP-001",
                name="Street lighting renewal",
                service_area="Highways",
                ward="Castle",
                approved_budget=Decimal("100000.00"),
                funding=[FundingLine(source=FundingSource.BORROWING, amount=Decimal("100000.00"))],
                profile=[ProfileLine(financial_year=2026, amount=Decimal("100000.00"))],
                tender_ids=[tender_id],
            )
        )
        project_id = project.id
    if settings is not None:
        publication = await PublicationService(session, council.as_role(Role.FINANCE)).publish(
            PublicationCreate(period="2026/27 Q1"), settings
        )
        publication_id = publication.id
    return Journey(council, tender_id, winner_id, excluded_id, project_id, publication_id)
