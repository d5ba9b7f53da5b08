"""Rendered assessment summaries disclose a bid's own scores and the winner's, nothing of any
other loser; the evaluation report sets out every bid. Checked in the PDFs, on both databases.

The tender, worked by hand: price 60% (lowest eligible price / this price) and quality 40%
(one judgement criterion on a 0-10 scale, at least 4 to pass), one evaluator.

- Wexford Paving Ltd: £100,000, quality 8. Price 60.00 + quality 32.00 = 92.00, ranked 1st
  and awarded.
- Lindale Surfacing Ltd: £120,000, quality 6. Price 100,000 / 120,000 x 60 = 50.00 + quality
  24.00 = 74.00, ranked 2nd.
- Quillfeather Roads plc: £85,000, quality 2, below the minimum of 4: not eligible, so its
  price sets no benchmark. Price 60.00 (capped at the full share) + quality 8.00 = 68.00,
  not ranked.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.config import Settings
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Tender
from procurement.schemas.award import AwardRead
from procurement.services.assessment_summaries import summary_batch
from procurement.services.reports import evaluation_report
from tests.factories import (
    criterion,
    group,
    make_bid,
    make_evaluator,
    make_scores,
    make_supplier,
    make_tender,
    make_user,
    tree,
)
from tests.integration.report_support import award_to, poppler, text_of
from tests.integration.support import Council

CRITERIA = tree(
    group("price", "price", "60", criterion("price", "100")),
    group(
        "quality",
        "quality",
        "40",
        criterion("method", "100", "judgement", scale={"maximum": "10"}, minimum_score="4"),
    ),
)
AWARD_RATIONALE = "Wexford offers the most advantageous tender on the published criteria"


def day_in_words(award: AwardRead) -> str:
    """The award's standstill end as a letter writes it, e.g. 1 June 2026."""
    day = award.standstill_ends
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Bidder:
    """A bid as the PDFs print it: its supplier's name, price, total and standing (its rank,
    or why it has none); the evaluator's rationale for its quality score; and the reasons it
    could not win."""

    name: str
    price: str
    total: str
    standing: str
    rationale: str
    reasons: tuple[str, ...]
    bid: Bid

    @property
    def secrets(self) -> tuple[str, ...]:
        """What no other bidder's summary may show: its name, price (both ways), total and
        reasons."""
        short_price = self.price.removeprefix("£").removesuffix(".00")
        return (self.name, self.price, short_price, self.total, *self.reasons)


@dataclass(frozen=True)
class Awarded:
    """The tender at the top of this module, awarded to Wexford."""

    tender: Tender
    award: AwardRead
    winner: Bidder
    loser: Bidder
    failed: Bidder

    @property
    def bidders(self) -> tuple[Bidder, ...]:
        """Every bidder, the winner first."""
        return (self.winner, self.loser, self.failed)

    def bidder(self, name: str) -> Bidder:
        """The bidder of that supplier name."""
        return next(bidder for bidder in self.bidders if bidder.name == name)


@pytest.fixture
async def awarded(session: AsyncSession, council: Council) -> Awarded:
    """Three bids, scored by one evaluator and awarded to Wexford."""
    officer = council.officer_user
    tender = await make_tender(
        session, council.organisation, officer, TenderStatus.CLOSED, criteria=CRITERIA
    )
    evaluator = await make_user(session, council.organisation, Role.EVALUATOR)
    await make_evaluator(session, tender, evaluator)

    async def bidder(
        name: str, price: str, quality: str, total: str, standing: str, *reasons: str
    ) -> Bidder:
        supplier = await make_supplier(session, council.organisation, name)
        bid = await make_bid(session, tender, supplier, officer, price)
        (score,) = await make_scores(session, bid, evaluator, {"method": quality})
        score.rationale = f"{name.split()[0]} method statement judged {quality} out of 10"
        await session.commit()
        shown_price = f"£{int(price):,}.00"
        return Bidder(name, shown_price, total, standing, score.rationale, reasons, bid)

    winner = await bidder("Wexford Paving Ltd", "100000", "8", "92.00", "and was ranked 1st.")
    loser = await bidder("Lindale Surfacing Ltd", "120000", "6", "74.00", "and was ranked 2nd.")
    failed = await bidder(
        "Quillfeather Roads plc",
        "85000",
        "2",
        "68.00",
        "and was not ranked.",
        "'Method' scored 2.00, below the minimum of 4.00: the bid fails the quality threshold.",
    )
    award = await award_to(session, officer, winner.bid, AWARD_RATIONALE)
    return Awarded(tender, award, winner, loser, failed)


async def summary_text(
    session: AsyncSession, awarded: Awarded, bidder: Bidder, settings: Settings, tmp_path: Path
) -> str:
    """The text of the bidder's final summary, rendered as every bid's are in a batch."""
    batch = await summary_batch(session, awarded.tender)
    assert batch.final
    assert set(batch.bid_ids) == {b.bid.id for b in awarded.bidders}
    _, pdf = await batch.render(bidder.bid.id, settings)
    return text_of(pdf, tmp_path)


@pytest.mark.parametrize(
    ("loser_name", "other_name"),
    [
        pytest.param("Lindale Surfacing Ltd", "Quillfeather Roads plc", id="ranked"),
        pytest.param("Quillfeather Roads plc", "Lindale Surfacing Ltd", id="threshold-failed"),
    ],
)
async def test_a_losers_summary_names_itself_and_the_winner_and_no_other_loser(
    session: AsyncSession,
    awarded: Awarded,
    settings: Settings,
    tmp_path: Path,
    loser_name: str,
    other_name: str,
) -> None:
    loser, other, winner = awarded.bidder(loser_name), awarded.bidder(other_name), awarded.winner
    text = await summary_text(session, awarded, loser, settings, tmp_path)
    assert f"To {loser.name}" in text
    outcome = f"Your tender was not successful. It scored {loser.total} points out of 100"
    assert f"{outcome} {loser.standing}" in text
    assert f"awarded to {winner.name}, whose tender scored {winner.total} points" in text
    for reason in loser.reasons:
        assert f"Why your tender could not win {reason}" in text
    assert f"The standstill period ends on {day_in_words(awarded.award)}" in text
    assert AWARD_RATIONALE in text
    for secret in other.secrets:
        assert secret not in text, secret
    # The evaluators' reasons are for the report, not for bidders.
    for bidder in awarded.bidders:
        assert bidder.rationale not in text


async def test_the_winners_summary_holds_nothing_of_the_losers(
    session: AsyncSession, awarded: Awarded, settings: Settings, tmp_path: Path
) -> None:
    winner = awarded.winner
    text = await summary_text(session, awarded, winner, settings, tmp_path)
    assert f"To {winner.name}" in text
    assert "Your tender was the most advantageous tender and we intend to award" in text
    assert f"It scored {winner.total} points out of 100 {winner.standing}" in text
    assert f"The standstill period ends on {day_in_words(awarded.award)}" in text
    for loser in (awarded.loser, awarded.failed):
        for secret in loser.secrets:
            assert secret not in text, secret


async def test_the_evaluation_report_sets_out_every_bid_and_is_tagged(
    session: AsyncSession, awarded: Awarded, settings: Settings, tmp_path: Path
) -> None:
    _, pdf = await evaluation_report(session, awarded.tender, settings)
    text = text_of(pdf, tmp_path)
    for bidder in awarded.bidders:
        assert bidder.name in text
        assert bidder.rationale in text
    assert "Moderation record" in text
    assert AWARD_RATIONALE in text
    info = poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
