"""A small closed tender worked by hand, for the evaluation's service tests.

Price 60% (lowest price / this price) and quality 40% (one judgement criterion, 0-10 scale).

- Alpha Ltd (local, NN8): £10,000; evaluators score 6.5 and 7.5, mean 7 (1 point apart,
  under the 2-point spread threshold).
  Price 10,000 / 10,000 x 60 = 60.00; quality 7 / 10 x 40 = 28.00; total 88.00, ranked 1.
- Beta Ltd (LE1, not local): £12,500; evaluators score 9 and 5 (4 points apart, flagged),
  moderated to 8. Price 10,000 / 12,500 x 60 = 48.00; quality 8 / 10 x 40 = 32.00;
  total 80.00, ranked 2, no spread flag once moderated.

Scores that must not count: a removed evaluator's submitted 0 for Alpha, an unsubmitted 0
for Beta, and a withdrawn £5,000 bid that would otherwise set the lowest price.
"""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Tender
from procurement.schemas.bid import BidStatus
from tests.factories import (
    criterion,
    group,
    make_bid,
    make_evaluator,
    make_moderation,
    make_scores,
    make_supplier,
    make_tender,
    make_user,
    tree,
)
from tests.integration.support import Council

TEN_POINT = {"maximum": "10", "levels": []}
PRICE_AND_QUALITY = tree(
    group("price", "price", "60", criterion("price", "100")),
    group("quality", "quality", "40", criterion("method", "100", "judgement", scale=TEN_POINT)),
)


@dataclass(frozen=True)
class WorkedTender:
    """The tender and its two bids that count."""

    tender: Tender
    alpha: Bid
    beta: Bid


async def worked_tender(session: AsyncSession, council: Council) -> WorkedTender:
    """The closed tender described at the top of this module."""
    organisation, officer = council.organisation, council.officer_user
    tender = await make_tender(
        session, organisation, officer, TenderStatus.CLOSED, criteria=PRICE_AND_QUALITY
    )
    alpha_supplier = await make_supplier(session, organisation, "Alpha Ltd", "NN8 4EG")
    beta_supplier = await make_supplier(session, organisation, "Beta Ltd", "LE1 1AA")
    gamma_supplier = await make_supplier(session, organisation, "Gamma Ltd", "NN8 1AA")
    alpha = await make_bid(session, tender, alpha_supplier, officer, "10000.00")
    beta = await make_bid(session, tender, beta_supplier, officer, "12500.00")
    gamma = await make_bid(session, tender, gamma_supplier, officer, "5000.00")
    gamma.status = BidStatus.WITHDRAWN
    await session.commit()
    first, second, removed, drafting = [
        await make_user(session, organisation, Role.EVALUATOR) for _ in range(4)
    ]
    for user in (first, second):
        await make_evaluator(session, tender, user)
    await make_evaluator(
        session,
        tender,
        removed,
        declaration=Declaration.INTEREST,
        decision=ConflictDecision.REMOVE,
    )
    await make_evaluator(session, tender, drafting, submitted=False)
    await make_scores(session, alpha, first, {"method": "6.5"})
    await make_scores(session, alpha, second, {"method": "7.5"})
    await make_scores(session, alpha, removed, {"method": "0"})
    await make_scores(session, beta, first, {"method": "9"})
    await make_scores(session, beta, second, {"method": "5"})
    await make_scores(session, beta, drafting, {"method": "0"}, submitted=False)
    await make_moderation(session, beta, "method", "8", officer)
    return WorkedTender(tender, alpha, beta)
