"""Each bidder's assessment summary (Procurement Regulations 2024, reg. 31) as a PDF, one bid
at a time or every bid's in a zip.

A summary tells one supplier how its own bid was scored and, when it lost, how the winning bid
was scored. Nothing else: every other bidder's name, price, answers and scores stay
confidential, so the context is built from an allow-list of fields of exactly two bids.

Before the award, procurement officers and administrators may preview the summaries; those
previews are watermarked DRAFT and name the bid ranked first as provisionally first. A
supplier receives its own final summary once the tender is awarded.
"""

import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.domain.dates import LONDON, london_day
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission, Role
from procurement.errors import ConflictError, NotFoundError
from procurement.models import Award, Bid, ModeratedScore, Organisation, Tender
from procurement.principal import Principal
from procurement.schemas.bid import BidStatus
from procurement.services.criteria import tree_of
from procurement.services.evaluation import current_result
from procurement.services.evaluation_state import require_evaluation_readable
from procurement.services.report_rendering import render_cached, report_fingerprint
from procurement.services.tenders import TenderService
from reports.formulas import formula_in_words, method_name
from scoring.criteria import CriteriaTree, Method, MetricMode
from scoring.presentation import number, ordinal, percent
from scoring.results import BidResult, CriterionScore, EvaluationResult, FlagKind

KIND = "assessment_summary"
TEMPLATE = "assessment_summary.html"
PDF_MEDIA_TYPE = "application/pdf"
ZIP_MEDIA_TYPE = "application/zip"

# The flags that explain why a bid could not win; the others (a tie, an abnormally low price)
# are worded against the other bids and would give their details away.
_REASONS = (FlagKind.EXCLUDED, FlagKind.THRESHOLD_FAILED)
# Methods whose explanation quotes the best eligible bid's figure (its price, stated number or
# proxy value) beside this bid's own.
_COMPARED = frozenset(
    {
        Method.PRICE_RELATIVE,
        Method.PRICE_LINEAR,
        Method.PRICE_PER_QUALITY_POINT,
        Method.SOCIAL_VALUE_MEASURES,
    }
)


def safe_name(text: str, fallback: str = "bid") -> str:
    """Text as a file name part: ASCII letters, digits and single hyphens, lower case."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or fallback


def download_headers(file_name: str) -> dict[str, str]:
    """The headers that offer a file to save under its name."""
    # safe_name keeps names to ASCII letters, digits, dots and hyphens: no quoting needed.
    return {"Content-Disposition": f'attachment; filename="{file_name}"'}


def _compares_bids(tree: CriteriaTree, key: str) -> bool:
    for _, criterion in tree.criteria():
        if criterion.key == key:
            if criterion.method is Method.METRIC:
                return criterion.metric_mode is MetricMode.RELATIVE
            return criterion.method in _COMPARED
    return False


def _quotes_another_bid(
    result: EvaluationResult, tree: CriteriaTree, key: str, disclosed: frozenset[str]
) -> bool:
    """True when the criterion's explanations quote the figure of a bid not disclosed.

    A comparing method's sentence names the best eligible bid's figure; that bid earns the
    highest share of the points. When no disclosed bid shares that best figure, the sentence
    would reveal another bidder's price or answer.
    """
    if not _compares_bids(tree, key):
        return False
    eligible = [(bid.bid_id, bid.criterion(key).normalised) for bid in result.bids if bid.eligible]
    if not eligible:
        return False
    best = max(share for _, share in eligible)
    return not any(bid_id in disclosed for bid_id, share in eligible if share == best)


@dataclass(frozen=True)
class _Disclosure:
    """What may be said of a bid in one summary: its result, with the two bids disclosed."""

    result: EvaluationResult
    tree: CriteriaTree
    disclosed: frozenset[str]
    notes: dict[tuple[str, str], str]

    def _criterion(self, bid: BidResult, score: CriterionScore) -> dict[str, str | None]:
        arithmetic = score.explanation
        if _quotes_another_bid(self.result, self.tree, score.criterion_key, self.disclosed):
            arithmetic = (
                f"Scored against the best eligible bid, whose figure belongs to another bidder "
                f"and is confidential: {number(score.weighted)} points."
            )
        return {
            "name": score.criterion_name,
            "points": number(score.weighted),
            "max_points": number(score.max_points),
            "note": self.notes.get((bid.bid_id, score.criterion_key)),
            "arithmetic": arithmetic,
        }

    def scores(self, bid: BidResult) -> dict[str, Any]:
        """The bid's points per criterion and group, its total and rank, in plain data.

        Only these fields of a BidResult are copied: never its price, flags or anything that
        compares it with the other bids.
        """
        assert bid.bid_id in self.disclosed  # the allow-list: this bid or the winner only
        return {
            "supplier_name": bid.supplier_name,
            "criteria": [self._criterion(bid, score) for score in bid.criteria],
            "groups": [
                {"name": g.name, "points": number(g.points), "max_points": number(g.max_points)}
                for g in bid.groups
            ],
            "total": number(bid.total),
            "rank": ordinal(bid.rank) if bid.rank is not None else None,
        }


def _criteria_table(tree: CriteriaTree, sample: BidResult) -> list[dict[str, Any]]:
    """The award criteria with their weights, methods and the points available."""
    groups = []
    for group in tree.groups:
        criteria = []
        for criterion in group.criteria:
            criteria.append(
                {
                    "name": criterion.name,
                    "weight": percent(criterion.weight),
                    "max_points": number(sample.criterion(criterion.key).max_points),
                    "method": method_name(criterion.method),
                    "formula": formula_in_words(criterion),
                }
            )
        groups.append(
            {
                "name": group.name,
                "weight": percent(group.weight),
                "max_points": number(sample.group(group.key).max_points),
                "criteria": criteria,
            }
        )
    return groups


@dataclass
class SummaryBatch:
    """A tender's summaries, ready to render one bid at a time (what the zip and the
    command line both go through)."""

    session: AsyncSession
    tender: Tender
    tree: CriteriaTree
    organisation_name: str
    award: Award | None
    result: EvaluationResult
    bid_ids: list[uuid.UUID]
    used_names: set[str] = field(default_factory=set)

    @property
    def final(self) -> bool:
        """True once the tender is awarded; before that the summaries are drafts."""
        return self.award is not None

    @property
    def winner_id(self) -> str | None:
        """The awarded bid, or before the award the bid ranked first."""
        return str(self.award.bid_id) if self.award is not None else self.result.winner_id

    async def _notes(self, bid_ids: Iterable[str]) -> dict[tuple[str, str], str]:
        """The moderation notes of the given bids only."""
        rows = await self.session.execute(
            sa.select(
                col(ModeratedScore.bid_id),
                col(ModeratedScore.criterion_key),
                col(ModeratedScore.note),
            ).where(col(ModeratedScore.bid_id).in_([uuid.UUID(i) for i in bid_ids]))
        )
        return {(str(bid_id), key): note for bid_id, key, note in rows.tuples()}

    async def context(self, bid_id: uuid.UUID) -> dict[str, Any]:
        """Everything the summary of one bid prints, as picklable plain data.

        Built from an allow-list of fields of two bids, this one and the winner, never from
        the whole result: the summary goes to a bidder, and the law (and fairness to the
        others) lets it learn nothing of any other unsuccessful bid.
        """
        own = self.result.bid(str(bid_id))
        winner = self.result.bid(self.winner_id) if self.winner_id is not None else None
        disclosed = frozenset({own.bid_id} | ({winner.bid_id} if winner else set()))
        disclosure = _Disclosure(self.result, self.tree, disclosed, await self._notes(disclosed))
        successful = winner is not None and winner.bid_id == own.bid_id
        award = self.award
        return {
            "draft": not self.final,
            "organisation_name": self.organisation_name,
            "tender": {"reference": self.tender.reference, "title": self.tender.title},
            "criteria": _criteria_table(self.tree, own),
            "bid": disclosure.scores(own),
            "successful": successful,
            "reasons": [flag.message for kind in _REASONS for flag in own.flags_of(kind)],
            "winner": None if winner is None or successful else disclosure.scores(winner),
            "decision_date": london_day(award.decision_date) if award else None,
            "standstill_ends": london_day(award.standstill_ends) if award else None,
            "rationale": award.rationale if award else None,
        }

    def file_name(self, supplier_name: str) -> str:
        """The summary's file name, e.g. assessment-summary-nbc-2026-001-acme-ltd.pdf; a
        second supplier of the same name gets -2, and so on."""
        stem = f"assessment-summary-{safe_name(self.tender.reference, 'tender')}"
        stem = f"{stem}-{safe_name(supplier_name)}"
        name, n = f"{stem}.pdf", 1
        while name in self.used_names:
            n += 1
            name = f"{stem}-{n}.pdf"
        self.used_names.add(name)
        return name

    async def render(self, bid_id: uuid.UUID, settings: Settings) -> tuple[str, bytes]:
        """One bid's summary: its file name and the PDF."""
        supplier_name = self.result.bid(str(bid_id)).supplier_name
        fingerprint = await report_fingerprint(
            self.session, tender=self.tender, kind=KIND, key=str(bid_id)
        )
        pdf = await render_cached(
            self.session,
            settings=settings,
            tender=self.tender,
            kind=KIND,
            fingerprint=fingerprint,
            template=TEMPLATE,
            build_context=lambda: self.context(bid_id),
            title=f"Assessment summary: {self.tender.reference}, {supplier_name}",
        )
        return self.file_name(supplier_name), pdf


async def summary_batch(
    session: AsyncSession, tender: Tender, bid_ids: list[uuid.UUID] | None = None
) -> SummaryBatch:
    """The summaries of the given bids (by default every submitted bid) of a tender whose
    bids are unsealed: final once it is awarded, drafts before. No permission check: the
    caller decides (the service for users; the command line for the operator)."""
    require_evaluation_readable(tender)
    if tender.status is TenderStatus.CANCELLED:
        raise ConflictError(
            "The tender was cancelled; there is no award to explain",
            code="tender_cancelled",
            current_status=tender.status.value,
        )
    if bid_ids is None:
        found = await session.scalars(
            sa.select(col(Bid.id))
            .where(col(Bid.tender_id) == tender.id, col(Bid.status) == BidStatus.SUBMITTED)
            .order_by(col(Bid.received_at), col(Bid.id))
        )
        bid_ids = list(found.all())
    organisation = await session.get(Organisation, tender.organisation_id)
    return SummaryBatch(
        session=session,
        tender=tender,
        tree=tree_of(tender).to_engine(),
        organisation_name=organisation.name if organisation else "",
        award=await session.scalar(sa.select(Award).where(col(Award.tender_id) == tender.id)),
        result=await current_result(session, tender),
        bid_ids=bid_ids,
    )


class AssessmentSummaryService:
    """Gives each bidder its assessment summary, and officers every bid's."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def batch(self, tender_id: uuid.UUID) -> SummaryBatch:
        """Every submitted bid's summary, ready to render (procurement and administrators)."""
        self.actor.require(Permission.READ_EVALUATION)
        return await summary_batch(self.session, await self.tenders.load(tender_id))

    async def summary_pdf(
        self, tender_id: uuid.UUID, bid_id: uuid.UUID, settings: Settings
    ) -> tuple[str, bytes]:
        """One bid's summary (file name, PDF). A supplier gets only its own bid's (404 for
        any other) once the tender is awarded (409 before); officers also a DRAFT before."""
        if self.actor.role is not Role.SUPPLIER:
            self.actor.require(Permission.READ_EVALUATION)
        tender = await self.tenders.load(tender_id)
        bid = await self.session.scalar(
            sa.select(Bid).where(
                col(Bid.id) == bid_id,
                col(Bid.tender_id) == tender.id,
                col(Bid.status) == BidStatus.SUBMITTED,
            )
        )
        own = bid is not None and bid.supplier_id == self.actor.supplier_id
        if bid is None or (self.actor.role is Role.SUPPLIER and not own):
            raise NotFoundError("Bid")
        if self.actor.role is Role.SUPPLIER and tender.status is not TenderStatus.AWARDED:
            raise ConflictError(
                "Assessment summaries are given once the tender is awarded; "
                f"this one is {tender.status.value}",
                code="tender_not_awarded",
                current_status=tender.status.value,
            )
        batch = await summary_batch(self.session, tender, [bid.id])
        rendered = await batch.render(bid.id, settings)
        await self.session.commit()  # keeps a freshly computed evaluation
        return rendered

    async def summaries_zip(self, tender_id: uuid.UUID, settings: Settings) -> tuple[str, bytes]:
        """Every submitted bid's summary in one zip, one PDF per supplier."""
        batch = await self.batch(tender_id)
        archive = io.BytesIO()
        # Every entry carries the time the tender last changed (the award, once made), not
        # the time of the download, so the same summaries always make the same zip.
        changed = (batch.award.updated_at if batch.award else batch.tender.updated_at).astimezone(
            LONDON
        )
        # Each PDF goes into the archive as soon as it is rendered, so only one is held.
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for bid_id in batch.bid_ids:
                name, pdf = await batch.render(bid_id, settings)
                entry = zipfile.ZipInfo(name, date_time=changed.timetuple()[:6])
                entry.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
                bundle.writestr(entry, pdf, compress_type=zipfile.ZIP_DEFLATED)
        await self.session.commit()
        reference = safe_name(batch.tender.reference, "tender")
        return f"assessment-summaries-{reference}.zip", archive.getvalue()
