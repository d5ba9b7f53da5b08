"""Assessment summaries: each bidder learns its own scores and the winner's, and nothing at all
of any other unsuccessful bidder; suppliers get only their own, once the tender is awarded."""

import io
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Bid, ModeratedScore, ReportCache, Score, Supplier, Tender
from procurement.models.base import utc_now
from procurement.services.report_rendering import ReportPool
from tests.api.conftest import World, error_of
from tests.api.evaluated import award_of, closed_tender, evaluator, exclusion_of, supplier
from tests.factories import criterion, group, tree

# Price 40% (relative to the lowest), quality 40% (0-10, at least 3 to pass), local spend 20%
# (relative to the highest stated).
CRITERIA = tree(
    group("price", "price", "40", criterion("price", "100")),
    group(
        "quality",
        "quality",
        "40",
        criterion("method", "100", "judgement", scale={"maximum": "10"}, minimum_score="3"),
    ),
    group("localism", "localism", "20", criterion("local-spend", "100", "metric", unit="%")),
)


@dataclass(frozen=True)
class Bidder:
    """One bid and everything distinctive about it that a summary might give away."""

    name: str
    price: str  # as the PDF prints it
    secrets: tuple[str, ...]  # its answers, rationale and moderation note
    bid: Bid


@dataclass(frozen=True)
class Awarded:
    """An awarded tender: Acme (W) wins; Borough Builders (L1) and Zephyrine (L2) lose."""

    tender: Tender
    winner: Bidder
    loser: Bidder
    other_loser: Bidder
    evaluation: dict[str, Any]

    def total(self, bidder: Bidder) -> str:
        """The bidder's total as the PDF prints it."""
        found = next(b for b in self.evaluation["bids"] if b["bid_id"] == str(bidder.bid.id))
        return f"{Decimal(found['total']):.2f}"

    def path(self, bidder: Bidder) -> str:
        """The API path of the bidder's summary."""
        return f"/tenders/{self.tender.id}/bids/{bidder.bid.id}/assessment-summary.pdf"

    @property
    def zip_path(self) -> str:
        """The API path of every summary in a zip."""
        return f"/tenders/{self.tender.id}/assessment-summaries.zip"


async def _bidder(
    world: World,
    tender: Tender,
    who: Supplier,
    price: str,
    quality: str,
    local_spend: str,
    words: str,
) -> Bidder:
    """A bid with an answer, a submitted score with its rationale, and a moderated score with
    its note, every text naming `words` so that its leaking would show."""
    bid = await world.bid(tender, who, price)
    answer = f"{words} answer: our method uses the {words} approach"
    rationale = f"{words} rationale: convincing only in parts"
    note = f"{words} moderation: the panel agreed {quality} out of 10"
    async with world.sessions() as session:
        row = await session.get(Bid, bid.id)
        assert row is not None
        row.quality_responses = {"method": answer}
        row.metric_answers = {"local-spend": local_spend}
        evaluator_id = world.users["evaluator"].id
        session.add(
            Score(
                tender_id=tender.id,
                bid_id=bid.id,
                evaluator_id=evaluator_id,
                criterion_key="method",
                value=Decimal(quality) + 1,
                rationale=rationale,
                submitted_at=utc_now(),
            )
        )
        session.add(
            ModeratedScore(
                tender_id=tender.id,
                bid_id=bid.id,
                criterion_key="method",
                value=Decimal(quality),
                note=note,
                moderated_by_id=world.users["procurement"].id,
            )
        )
        await session.commit()
    shown_price = f"£{Decimal(price):,.2f}"
    return Bidder(who.name, shown_price, (answer, rationale, note), bid)


async def award(world: World, tender: Tender, bid: Bid) -> None:
    """Award the tender to the bid through the API."""
    body = {
        "bid_id": str(bid.id),
        "decision_date": utc_now().date().isoformat(),
        "rationale": "Best value for money on the published criteria",
        "justification": "The ranking stands after checking every flag",
    }
    response = await world.post(award_of(tender), "procurement", body)
    assert response.status_code == 201, response.text


async def _three_bids(world: World) -> tuple[Tender, Bidder, Bidder, Bidder]:
    tender = await closed_tender(world, CRITERIA, TenderStatus.EVALUATING)
    await evaluator(world, tender)
    zephyrine = await supplier(world, "Zephyrine Roads plc")
    # Zephyrine has the lowest price and the highest local spend, so every comparison of
    # price and local spend is made against its figures.
    winner = await _bidder(world, tender, world.supplier, "100000", "9", "60", "Wexford")
    loser = await _bidder(world, tender, world.rival, "120000", "6", "45", "Lindale")
    other = await _bidder(world, tender, zephyrine, "85000", "4", "70", "Quillfeather")
    return tender, winner, loser, other


@pytest.fixture
async def awarded(world: World) -> Awarded:
    """Three bids scored, moderated and awarded to Acme."""
    tender, winner, loser, other = await _three_bids(world)
    evaluation = (await world.get(f"/tenders/{tender.id}/evaluation", "procurement")).json()
    assert evaluation["winner_id"] == str(winner.bid.id)
    await award(world, tender, winner.bid)
    return Awarded(tender, winner, loser, other, evaluation)


def pdf_text(response: httpx.Response) -> str:
    """The PDF's text as pdftotext reads it, with runs of whitespace made single spaces."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", " ", text)


def pdf_info(content: bytes) -> str:
    """What pdfinfo says of the PDF."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        return subprocess.run(
            ["pdfinfo", file.name], capture_output=True, check=True, text=True
        ).stdout


def reveals_nothing_of(text: str, awarded: Awarded, bidder: Bidder) -> None:
    """Assert the text holds none of the bidder's name, price, answers, notes or total."""
    for secret in (bidder.name, bidder.price, awarded.total(bidder), *bidder.secrets):
        assert secret not in text, secret
    assert bidder.price.removeprefix("£").removesuffix(".00") not in text


async def test_a_losers_summary_shows_its_scores_and_the_winners_and_no_one_elses(
    world: World, awarded: Awarded
) -> None:
    text = pdf_text(await world.get(awarded.path(awarded.loser), "procurement"))
    loser, winner = awarded.loser, awarded.winner
    assert "Assessment summary" in text
    assert loser.name in text
    assert "Lindale moderation: the panel agreed 6 out of 10" in text
    assert f"{awarded.total(loser)} points out of 100" in text
    # The winner: its name, per-criterion scores with their explanations, and its total.
    assert f"awarded to {winner.name}, whose tender scored {awarded.total(winner)}" in text
    assert "Wexford moderation: the panel agreed 9 out of 10" in text
    assert "Moderated score 9.00 / scale maximum 10.00 x 40.00 = 36.00 points." in text
    assert "The lowest eligible price divided by this bid's price" in text  # how it is scored
    reveals_nothing_of(text, awarded, awarded.other_loser)
    # Its own answers and the evaluators' rationales are not part of a summary either.
    assert "Lindale rationale" not in text


async def test_a_comparison_against_another_losers_figure_is_not_quoted(
    world: World, awarded: Awarded
) -> None:
    text = pdf_text(await world.get(awarded.path(awarded.loser), "procurement"))
    # Zephyrine's price is the lowest: the arithmetic of every price score quotes it, so it
    # is left out of both the loser's and the winner's explanations.
    assert "£85,000.00" not in text
    assert "whose figure belongs to another bidder and is confidential" in text


async def test_the_winners_summary_holds_nothing_of_the_losers(
    world: World, awarded: Awarded
) -> None:
    text = pdf_text(await world.get(awarded.path(awarded.winner), "supplier"))
    assert "Your tender was the most advantageous tender" in text
    assert f"It scored {awarded.total(awarded.winner)} points out of 100" in text
    for loser in (awarded.loser, awarded.other_loser):
        reveals_nothing_of(text, awarded, loser)


async def test_a_summary_states_the_standstill_end_and_decision_date(
    world: World, awarded: Awarded
) -> None:
    award_read = (await world.get(award_of(awarded.tender), "procurement")).json()
    text = pdf_text(await world.get(awarded.path(awarded.loser), "rival"))
    for field in ("standstill_ends", "decision_date"):
        day = award_read[field]
        year, month, date_of_month = (int(part) for part in day.split("-"))
        month_name = [
            "January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December",
        ][month - 1]  # fmt: skip
        assert f"{date_of_month} {month_name} {year}" in text


async def test_a_summary_is_a_tagged_pdf_with_a_title(world: World, awarded: Awarded) -> None:
    response = await world.get(awarded.path(awarded.loser), "admin")
    info = pdf_info(response.content)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    title = f"Assessment summary: {awarded.tender.reference}, {awarded.loser.name}"
    assert re.search(rf"^Title:\s+{re.escape(title)}$", info, re.MULTILINE), info
    reference = awarded.tender.reference.lower().replace("/", "-")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="assessment-summary-{reference}-borough-builders-ltd.pdf"'
    )


class TestWhoMayHaveOne:
    """Officers and administrators may have any; a supplier only its own, after the award."""

    async def test_a_supplier_gets_its_own_summary(self, world: World, awarded: Awarded) -> None:
        text = pdf_text(await world.get(awarded.path(awarded.loser), "rival"))
        assert "Your tender was not successful" in text

    async def test_a_supplier_cannot_have_a_rivals_summary(
        self, world: World, awarded: Awarded
    ) -> None:
        response = await world.get(awarded.path(awarded.winner), "rival")
        error_of(response, 404, "not_found")

    @pytest.mark.parametrize("actor", ["evaluator", "finance"])
    async def test_evaluators_and_finance_are_refused(
        self, world: World, awarded: Awarded, actor: str
    ) -> None:
        error_of(await world.get(awarded.path(awarded.loser), actor), 403, "role_forbidden")
        error_of(await world.get(awarded.zip_path, actor), 403, "role_forbidden")

    async def test_a_supplier_waits_for_the_award(self, world: World) -> None:
        tender, _, loser, _ = await _three_bids(world)
        path = f"/tenders/{tender.id}/bids/{loser.bid.id}/assessment-summary.pdf"
        error_of(await world.get(path, "rival"), 409, "tender_not_awarded")

    async def test_before_the_award_officers_preview_a_draft(self, world: World) -> None:
        tender, winner, loser, _ = await _three_bids(world)
        path = f"/tenders/{tender.id}/bids/{loser.bid.id}/assessment-summary.pdf"
        text = pdf_text(await world.get(path, "procurement"))
        assert "Draft for checking by the council" in text  # and watermarked DRAFT
        assert "No award decision has been made" in text
        assert f"would be awarded to {winner.name}" in text

    async def test_a_summary_of_another_organisations_tender_is_not_found(
        self, world: World, awarded: Awarded
    ) -> None:
        response = await world.get(awarded.path(awarded.loser), "other_procurement")
        error_of(response, 404, "not_found")


class TestWhyABidCouldNotWin:
    """A failed threshold or an exclusion is told to the bidder it concerns, and no other."""

    async def test_a_failed_quality_threshold_is_told_to_its_bidder_only(
        self, world: World
    ) -> None:
        tender = await closed_tender(world, CRITERIA, TenderStatus.EVALUATING)
        await evaluator(world, tender)
        winner = await _bidder(world, tender, world.supplier, "100000", "8", "60", "Wexford")
        failed = await _bidder(world, tender, world.rival, "90000", "2", "50", "Lindale")
        await award(world, tender, winner.bid)
        base = f"/tenders/{tender.id}/bids"
        threshold = "'Method' scored 2.00, below the minimum of 3.00"
        failed_text = pdf_text(
            await world.get(f"{base}/{failed.bid.id}/assessment-summary.pdf", "rival")
        )
        assert threshold in failed_text
        assert "and was not ranked" in failed_text
        winner_text = pdf_text(
            await world.get(f"{base}/{winner.bid.id}/assessment-summary.pdf", "supplier")
        )
        assert threshold not in winner_text
        assert "Lindale" not in winner_text

    async def test_an_exclusion_and_its_reason_are_told_to_its_bidder_only(
        self, world: World
    ) -> None:
        tender, winner, loser, other = await _three_bids(world)
        reason = "Insurance certificate expired in March"
        response = await world.post(
            exclusion_of(tender, other.bid), "procurement", {"reason": reason}
        )
        assert response.status_code == 200, response.text
        await award(world, tender, winner.bid)
        base = f"/tenders/{tender.id}/bids"
        excluded = pdf_text(
            await world.get(f"{base}/{other.bid.id}/assessment-summary.pdf", "admin")
        )
        assert f"Excluded: {reason}" in excluded
        for bidder in (winner, loser):
            text = pdf_text(
                await world.get(f"{base}/{bidder.bid.id}/assessment-summary.pdf", "admin")
            )
            assert reason not in text
            assert other.name not in text


async def test_the_zip_holds_one_summary_per_bid(world: World, awarded: Awarded) -> None:
    response = await world.get(awarded.zip_path, "procurement")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    reference = awarded.tender.reference.lower().replace("/", "-")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="assessment-summaries-{reference}.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        names = sorted(bundle.namelist())
        assert names == sorted(
            f"assessment-summary-{reference}-{supplier_name}.pdf"
            for supplier_name in (
                "acme-lighting-ltd",
                "borough-builders-ltd",
                "zephyrine-roads-plc",
            )
        )
        for name in names:
            assert bundle.read(name).startswith(b"%PDF-")
    # A second download is the same file, byte for byte: entries carry the award's time.
    again = await world.get(awarded.zip_path, "procurement")
    assert again.content == response.content


async def test_the_award_renders_the_report_and_every_summary_ahead_of_download(
    world: World, awarded: Awarded, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with world.sessions() as session:
        kinds = (
            await session.scalars(
                sa.select(col(ReportCache.kind)).where(
                    col(ReportCache.tender_id) == awarded.tender.id
                )
            )
        ).all()
    assert sorted(kinds) == ["assessment_summary"] * 3 + ["evaluation_report"]
    renders: list[str] = []
    monkeypatch.setattr(ReportPool, "submit", lambda *args: renders.append(args[2]))
    for bidder in (awarded.winner, awarded.loser, awarded.other_loser):
        pdf_text(await world.get(awarded.path(bidder), "procurement"))
    report = await world.get(f"/tenders/{awarded.tender.id}/report.pdf", "procurement")
    assert report.is_success
    assert renders == []  # every download came from the cache
