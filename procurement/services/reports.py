"""The evaluation report: everything behind an award, gathered as plain data and rendered to PDF.

The context handed to the renderer holds only strings, numbers, lists and dicts: it crosses
into a worker process, and the templates under templates/reports/ never see a database row.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.domain.dates import LONDON, london_day
from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.postcodes import is_in_local_area
from procurement.domain.roles import Permission
from procurement.models import (
    AuditEvent,
    Award,
    Bid,
    EvaluatorAssignment,
    ModeratedScore,
    Organisation,
    Score,
    Supplier,
    Tender,
)
from procurement.principal import Principal
from procurement.schemas.bid import BidStatus
from procurement.schemas.criteria import EvaluationRulesSchema
from procurement.services.assessment_summaries import safe_name
from procurement.services.criteria import tree_of, valued_on
from procurement.services.evaluation import Evaluation, current_evaluation
from procurement.services.evaluation_state import require_evaluation_readable
from procurement.services.measures import catalogue_on
from procurement.services.report_rendering import render_cached, report_fingerprint
from procurement.services.scores import names_of
from procurement.services.tenders import TenderService
from reports.charts import BarRow, stacked_bar_chart, weighted_score_rows, weighted_scores_chart
from reports.formulas import formula_in_words, method_name
from scoring.bids import ProxyValue
from scoring.criteria import CriteriaTree, GroupKind, Method
from scoring.presentation import money, number, percent
from scoring.results import BidResult, FlagKind, SensitivityResult

TEMPLATE = "evaluation_report.html"
KIND = "evaluation_report"
# Groups whose stated answers the report sets out bid by bid.
ANSWERED_KINDS = {GroupKind.LOCALISM: "Localism", GroupKind.ENVIRONMENT: "Environment"}
FLAG_NAMES = {
    FlagKind.ABNORMALLY_LOW_PRICE: "Abnormally low price",
    FlagKind.THRESHOLD_FAILED: "Quality threshold failed",
    FlagKind.EXCLUDED: "Excluded",
    FlagKind.EVALUATOR_SPREAD: "Evaluators' scores far apart",
    FlagKind.TIE: "Tie",
}
DECLARATIONS = {
    Declaration.NOT_DECLARED: "Not declared",
    Declaration.NO_INTEREST: "No interest",
    Declaration.INTEREST: "Interest declared",
}
DECISIONS = {
    ConflictDecision.ALLOW: "Allowed to take part",
    ConflictDecision.RESTRICT: "Restricted to some bids",
    ConflictDecision.REMOVE: "Removed; their scores do not count",
}
SIGNATORIES = ("Evaluation lead", "Authorising officer", "Legal or procurement adviser")
INTERVAL_SERIES = ("Below the range", "Winner stays first", "Above the range")
HUNDRED = Decimal(100)


def london_moment(value: datetime) -> str:
    """A moment in UK time: 1 June 2026, 14:05."""
    local = value.replace(tzinfo=value.tzinfo or UTC).astimezone(LONDON)
    return f"{london_day(local)}, {local:%H:%M}"


def report_filename(reference: str) -> str:
    """The report's download name, e.g. wvbc-2026-019-evaluation-report.pdf."""
    return f"{safe_name(reference, 'tender')}-evaluation-report.pdf"


@dataclass(frozen=True)
class _Records:
    """The rows the report reads besides the evaluation itself."""

    organisation: Organisation
    bids: dict[str, tuple[Bid, Supplier]]
    scores: list[Score]
    consensus: list[ModeratedScore]
    assignments: list[EvaluatorAssignment]
    award: Award | None
    events: list[AuditEvent]
    catalogue: dict[str, ProxyValue]
    names: dict[uuid.UUID, str]


async def _records(session: AsyncSession, tender: Tender) -> _Records:
    organisation = await session.get(Organisation, tender.organisation_id)
    assert organisation is not None  # a tender always belongs to an organisation
    bid_rows = await session.execute(
        sa.select(Bid, Supplier)
        .join(Supplier, col(Supplier.id) == col(Bid.supplier_id))
        .where(col(Bid.tender_id) == tender.id, col(Bid.status) == BidStatus.SUBMITTED)
    )
    bids = {str(bid.id): (bid, supplier) for bid, supplier in bid_rows.tuples()}
    scores = list(
        await session.scalars(
            sa.select(Score)
            .where(col(Score.tender_id) == tender.id, col(Score.submitted_at).is_not(None))
            .order_by(col(Score.submitted_at), col(Score.id))
        )
    )
    consensus = list(
        await session.scalars(
            sa.select(ModeratedScore).where(col(ModeratedScore.tender_id) == tender.id)
        )
    )
    assignments = list(
        await session.scalars(
            sa.select(EvaluatorAssignment)
            .where(col(EvaluatorAssignment.tender_id) == tender.id)
            .order_by(col(EvaluatorAssignment.created_at), col(EvaluatorAssignment.id))
        )
    )
    award = await session.scalar(sa.select(Award).where(col(Award.tender_id) == tender.id))
    events = list(
        await session.scalars(
            sa.select(AuditEvent)
            .where(col(AuditEvent.tender_id) == tender.id)
            .order_by(col(AuditEvent.position))
        )
    )
    people = {s.evaluator_id for s in scores} | {c.moderated_by_id for c in consensus}
    for assignment in assignments:
        people.add(assignment.user_id)
        if assignment.decided_by_id is not None:
            people.add(assignment.decided_by_id)
    people |= {bid.excluded_by_id for bid, _ in bids.values() if bid.excluded_by_id}
    if award is not None:
        people.add(award.awarded_by_id)
    return _Records(
        organisation=organisation,
        bids=bids,
        scores=scores,
        consensus=consensus,
        assignments=assignments,
        award=award,
        events=events,
        catalogue=await catalogue_on(session, tender.organisation_id, valued_on(tender)),
        names=await names_of(session, people),
    )


def _cover(tender: Tender, records: _Records, evaluation: Evaluation) -> dict[str, Any]:
    dates = [
        ("Published", tender.published_at),
        ("Deadline for bids", tender.submission_deadline),
        ("Closed", tender.closed_at),
    ]
    return {
        "organisation": records.organisation.name,
        "reference": tender.reference,
        "title": tender.title,
        "description": tender.description,
        "status": tender.status.value.capitalize(),
        "estimated_value": money(tender.estimated_value),
        "dates": [(label, london_moment(value)) for label, value in dates if value is not None],
        "close_reason": tender.close_reason,
        "bid_count": len(evaluation.result.bids),
        "evaluation_version": evaluation.input_version,
        "computed_at": london_moment(evaluation.computed_at),
        # The moment of the last thing the report records, not the time now: the context is
        # part of the cache key, and the same record must give the same document.
        "as_at": london_moment(
            max([evaluation.computed_at, *(e.occurred_at for e in records.events)])
        ),
    }


def _criteria_tree(tree: CriteriaTree) -> list[dict[str, Any]]:
    return [
        {
            "name": group.name,
            "weight": percent(group.weight),
            "criteria": [
                {
                    "name": criterion.name,
                    "weight": percent(criterion.weight),
                    "points": number(group.weight * criterion.weight / HUNDRED),
                    "method": method_name(criterion.method),
                    "formula": formula_in_words(criterion),
                    "question": criterion.question,
                }
                for criterion in group.criteria
            ],
        }
        for group in tree.groups
    ]


def _ranking(evaluation: Evaluation) -> dict[str, Any]:
    series, _ = weighted_score_rows(evaluation.result)
    return {
        "series": series,
        "rows": [
            {
                "rank": str(bid.rank) if bid.rank is not None else "Not ranked",
                "supplier": bid.supplier_name,
                "price": money(bid.price),
                "groups": [number(group.points) for group in bid.groups],
                "total": number(bid.total),
                "flags": [FLAG_NAMES[flag.kind] for flag in bid.flags],
            }
            for bid in evaluation.result.bids
        ],
        "chart": weighted_scores_chart(evaluation.result, "report-weighted-scores"),
        "winner": evaluation.result.winner.supplier_name if evaluation.result.winner else None,
    }


def _commitments(bid: Bid, catalogue: dict[str, ProxyValue]) -> list[dict[str, str]]:
    lines = []
    for commitment in bid.commitments:
        code = commitment["measure_code"]
        quantity = Decimal(commitment["quantity"])
        proxy = catalogue.get(code)
        lines.append(
            {
                "code": code,
                "description": proxy.description if proxy else "Not in the catalogue",
                "quantity": f"{number(quantity)} {proxy.unit if proxy else ''}".rstrip(),
                "proxy": money(proxy.value_per_unit) if proxy else "No proxy value",
                "value": money(quantity * proxy.value_per_unit) if proxy else "Not counted",
            }
        )
    return lines


def _answers(tree: CriteriaTree, bid: Bid, is_local: bool) -> list[dict[str, str]]:
    answers = []
    for group in tree.groups:
        if group.kind not in ANSWERED_KINDS:
            continue
        for criterion in group.criteria:
            if criterion.method is Method.METRIC:
                stated = bid.metric_answers.get(criterion.key)
                answer = (
                    "No answer given"
                    if stated is None
                    else f"{number(Decimal(stated))} {criterion.unit}".replace(" %", "%").rstrip()
                )
            elif criterion.method is Method.LOCAL_SUPPLIER:
                answer = "Local supplier" if is_local else "Not a local supplier"
            else:
                continue
            answers.append(
                {
                    "group": ANSWERED_KINDS[group.kind],
                    "criterion": criterion.name,
                    "answer": answer,
                }
            )
    return answers


def _bid_section(
    result: BidResult, tree: CriteriaTree, records: _Records, local_area: list[str]
) -> dict[str, Any]:
    bid, supplier = records.bids[result.bid_id]
    is_local = is_in_local_area(supplier.postcode, local_area)
    return {
        "id": result.bid_id,
        "supplier": result.supplier_name,
        "price": money(result.price),
        "rank": str(result.rank) if result.rank is not None else "Not ranked",
        "total": number(result.total),
        "is_local": is_local,
        "received": london_moment(bid.received_at),
        "criteria": [
            {
                "name": score.criterion_name,
                "raw": "None" if score.raw is None else number(score.raw),
                "normalised": f"{score.normalised.quantize(Decimal('0.0001')):f}",
                "weighted": number(score.weighted),
                "max_points": number(score.max_points),
                "explanation": score.explanation,
                "notes": list(score.notes),
            }
            for score in result.criteria
        ],
        "groups": [group.explanation for group in result.groups],
        "total_explanation": result.total_explanation,
        "flags": [FLAG_NAMES[flag.kind] for flag in result.flags],
        "commitments": _commitments(bid, records.catalogue),
        "answers": _answers(tree, bid, is_local),
    }


def _award_clause(award: Award | None) -> str:
    if award is None:
        return "To be addressed when the award is made."
    if award.justification:
        return f"The award records this justification: {award.justification}"
    return "The award was made without a justification on this point."


def _flag_handling(kind: FlagKind, bid: Bid, records: _Records) -> str:
    if kind is FlagKind.EXCLUDED:
        if bid.excluded_reason and bid.excluded_by_id and bid.excluded_at:
            who = records.names.get(bid.excluded_by_id, "the lead")
            return (
                f"Excluded by {who} on {london_day(bid.excluded_at)}. "
                "The bid is scored but not ranked."
            )
        return "The bid is scored but not ranked."
    if kind is FlagKind.THRESHOLD_FAILED:
        return "The bid is scored but not ranked."
    if kind is FlagKind.TIE:
        return "Ordered by the tender's declared tie-break order, as stated."
    if kind is FlagKind.ABNORMALLY_LOW_PRICE:
        return (
            "A low price is never excluded on its own: the supplier is asked to explain it. "
            + _award_clause(records.award)
        )
    return "Not yet moderated. " + _award_clause(records.award)


def _moderated_spreads(
    tender: Tender, tree: CriteriaTree, records: _Records, counted: set[uuid.UUID]
) -> list[dict[str, str]]:
    threshold = EvaluationRulesSchema.model_validate(tender.evaluation_rules).spread_threshold
    names = {criterion.key: criterion.name for _, criterion in tree.criteria()}
    values: dict[tuple[uuid.UUID, str], list[Decimal]] = defaultdict(list)
    for score in records.scores:
        if score.evaluator_id in counted:
            values[(score.bid_id, score.criterion_key)].append(score.value)
    rows = []
    for consensus in records.consensus:
        spread = values[(consensus.bid_id, consensus.criterion_key)]
        bid = records.bids.get(str(consensus.bid_id))
        if bid is None or not spread or max(spread) - min(spread) < threshold:
            continue
        criterion = names.get(consensus.criterion_key, consensus.criterion_key)
        moderator = records.names.get(consensus.moderated_by_id, "the lead")
        rows.append(
            {
                "supplier": bid[1].name,
                "name": "Evaluators' scores far apart (moderated)",
                "message": (
                    f"The evaluators' scores on '{criterion}' ranged from "
                    f"{number(min(spread))} to {number(max(spread))}."
                ),
                "handling": (
                    f"Moderated to {number(consensus.value)} by {moderator} on "
                    f"{london_day(consensus.updated_at)}, with the reasons in the moderation "
                    "record."
                ),
            }
        )
    return rows


def _flags(
    tender: Tender,
    tree: CriteriaTree,
    evaluation: Evaluation,
    records: _Records,
    counted: set[uuid.UUID],
) -> list[dict[str, str]]:
    rows = [
        {
            "supplier": result.supplier_name,
            "name": FLAG_NAMES[flag.kind],
            "message": flag.message,
            "handling": _flag_handling(flag.kind, records.bids[result.bid_id][0], records),
        }
        for result in evaluation.result.bids
        for flag in result.flags
    ]
    rows += _moderated_spreads(tender, tree, records, counted)
    rows += [
        {
            "supplier": reversal.removed_supplier_name,
            "name": "Rank reversal",
            "message": reversal.explanation,
            "handling": _award_clause(records.award),
        }
        for reversal in evaluation.sensitivity.reversals
    ]
    return rows


def _sensitivity(sensitivity: SensitivityResult, names: dict[str, str]) -> dict[str, Any]:
    rows = [
        BarRow(
            interval.group_name,
            (interval.lower, interval.upper - interval.lower, HUNDRED - interval.upper),
        )
        for interval in sensitivity.intervals
    ]
    return {
        "explanation": sensitivity.explanation,
        "reversals": [reversal.explanation for reversal in sensitivity.reversals],
        "intervals": [
            {
                "group": interval.group_name,
                "lower": percent(interval.lower),
                "current": percent(interval.current),
                "upper": percent(interval.upper),
                "below": names.get(interval.lower_rival_id or "", "No other bid"),
                "above": names.get(interval.upper_rival_id or "", "No other bid"),
                "explanation": interval.explanation,
            }
            for interval in sensitivity.intervals
        ],
        "chart": stacked_bar_chart(
            "report-weight-ranges",
            "Group weights within which the winner stays first",
            INTERVAL_SERIES,
            rows,
            unit="percentage points",
        )
        if rows
        else "",
    }


def _moderation(
    tree: CriteriaTree, evaluation: Evaluation, records: _Records, counted: set[uuid.UUID]
) -> list[dict[str, Any]]:
    judged = [c for _, c in tree.criteria() if c.method is Method.JUDGEMENT]
    by_item: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for score in records.scores:
        by_item[(str(score.bid_id), score.criterion_key)].append(score)
    consensus = {(str(c.bid_id), c.criterion_key): c for c in records.consensus}
    if not judged:
        return []
    bids = []
    for result in evaluation.result.bids:
        items = []
        for criterion in judged:
            scores = by_item[(result.bid_id, criterion.key)]
            agreed = consensus.get((result.bid_id, criterion.key))
            items.append(
                {
                    "criterion": criterion.name,
                    "scores": [
                        {
                            "evaluator": records.names.get(s.evaluator_id, "Unknown"),
                            "value": number(s.value),
                            "rationale": s.rationale,
                            "counted": s.evaluator_id in counted,
                        }
                        for s in scores
                    ],
                    "consensus": None
                    if agreed is None
                    else {
                        "value": number(agreed.value),
                        "note": agreed.note,
                        "by": records.names.get(agreed.moderated_by_id, "Unknown"),
                        "when": london_moment(agreed.updated_at),
                    },
                }
            )
        bids.append({"supplier": result.supplier_name, "criteria": items})
    return bids


def _declarations(records: _Records) -> list[dict[str, Any]]:
    suppliers = {bid_id: supplier.name for bid_id, (_, supplier) in records.bids.items()}
    return [
        {
            "evaluator": records.names.get(a.user_id, "Unknown"),
            "groups": ", ".join(a.group_keys) if a.group_keys else "Every group",
            "declaration": DECLARATIONS[a.declaration],
            "details": a.interest_details or "",
            "declared": london_moment(a.declared_at) if a.declared_at else "",
            "decision": DECISIONS[a.decision] if a.decision else "",
            "note": a.decision_note or "",
            "allowed": [suppliers.get(b, "a withdrawn bid") for b in a.allowed_bid_ids],
            "decided_by": records.names.get(a.decided_by_id, "") if a.decided_by_id else "",
            "decided": london_moment(a.decided_at) if a.decided_at else "",
            "submitted": london_moment(a.scores_submitted_at) if a.scores_submitted_at else "",
        }
        for a in records.assignments
    ]


def _award(records: _Records) -> dict[str, Any] | None:
    award = records.award
    if award is None:
        return None
    return {
        "supplier": records.bids[str(award.bid_id)][1].name,
        "decision_date": london_day(award.decision_date),
        "rationale": award.rationale,
        "justification": award.justification or "",
        "standstill_ends": london_day(award.standstill_ends),
        "awarded_by": records.names.get(award.awarded_by_id, "Unknown"),
        "evaluation_version": award.evaluation_version,
        "winner_rank": str(award.winner_rank) if award.winner_rank else "Not ranked",
    }


def _audit(events: Iterable[AuditEvent]) -> list[dict[str, str]]:
    return [
        {
            "position": str(event.position),
            "when": london_moment(event.occurred_at),
            "actor": event.actor_name,
            "summary": event.summary,
        }
        for event in events
    ]


async def evaluation_report_context(session: AsyncSession, tender: Tender) -> dict[str, Any]:
    """Everything the evaluation report shows, as plain picklable data (no permission check)."""
    evaluation = await current_evaluation(session, tender)
    records = await _records(session, tender)
    tree = tree_of(tender).to_engine()
    names = {result.bid_id: result.supplier_name for result in evaluation.result.bids}
    removed = {a.user_id for a in records.assignments if a.decision is ConflictDecision.REMOVE}
    counted = {a.user_id for a in records.assignments} - removed
    local_area = list(records.organisation.local_area)
    return {
        "draft": records.award is None,
        "cover": _cover(tender, records, evaluation),
        "groups": _criteria_tree(tree),
        "ranking": _ranking(evaluation),
        "bids": [
            _bid_section(result, tree, records, local_area) for result in evaluation.result.bids
        ],
        "flags": _flags(tender, tree, evaluation, records, counted),
        "sensitivity": _sensitivity(evaluation.sensitivity, names),
        "moderation": _moderation(tree, evaluation, records, counted),
        "declarations": _declarations(records),
        "award": _award(records),
        "signatories": list(SIGNATORIES),
        "audit": _audit(records.events),
    }


async def evaluation_report(
    session: AsyncSession, tender: Tender, settings: Settings
) -> tuple[str, bytes]:
    """The tender's evaluation report as (filename, PDF bytes); 409 while bids are sealed.

    No permission check: the caller has made it (the API's service, or the command line).
    """
    require_evaluation_readable(tender)
    title = f"Evaluation report: {tender.reference} {tender.title}"
    pdf = await render_cached(
        session,
        settings=settings,
        tender=tender,
        kind=KIND,
        fingerprint=await report_fingerprint(session, tender=tender, kind=KIND, key=""),
        template=TEMPLATE,
        build_context=lambda: evaluation_report_context(session, tender),
        title=title,
    )
    await session.commit()  # keeps a freshly computed evaluation for every worker
    return report_filename(tender.reference), pdf


class EvaluationReportService:
    """The evaluation report of a closed tender, for those who may read its evaluation."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def report_pdf(self, tender_id: uuid.UUID, settings: Settings) -> tuple[str, bytes]:
        """The report's filename and PDF bytes; 409 tender_not_closed while bids are sealed."""
        self.actor.require(Permission.READ_EVALUATION)
        tender = await self.tenders.load(tender_id)
        return await evaluation_report(self.session, tender, settings)
