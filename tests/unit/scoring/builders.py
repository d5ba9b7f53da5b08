"""Small builders for criteria trees and bids, so that each test states only what matters."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from scoring.bids import BidInput, Commitment, EvaluationRules, ProxyValue
from scoring.criteria import CriteriaTree, Criterion, Group, GroupKind, Method, Scale
from scoring.engine import evaluate
from scoring.results import BidResult, EvaluationResult

D = Decimal
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
FIVE_POINT = Scale(D(5))


def criterion(key: str, method: Method, weight: str | int = 100, **settings: Any) -> Criterion:
    """A criterion named after its key."""
    name = key.replace("-", " ").capitalize()
    return Criterion(key=key, name=name, weight=D(weight), method=method, **settings)


def group(
    key: str, kind: GroupKind, weight: str | int, *criteria: Criterion, name: str | None = None
) -> Group:
    """A group named after its key."""
    return Group(key, name or key.replace("-", " ").capitalize(), kind, D(weight), criteria)


def tree(*groups: Group) -> CriteriaTree:
    """A tree of these groups."""
    return CriteriaTree(tuple(groups))


def price_only(method: Method = Method.PRICE_RELATIVE, **settings: Any) -> CriteriaTree:
    """A tree that is all price, scored by one criterion."""
    return tree(group("price", GroupKind.PRICE, 100, criterion("price", method, **settings)))


def single(method: Method, kind: GroupKind = GroupKind.QUALITY, **settings: Any) -> CriteriaTree:
    """A tree with one criterion `c` worth all 100 points."""
    return tree(group("g", kind, 100, criterion("c", method, **settings)))


def scores(*values: str | int) -> tuple[Decimal, ...]:
    """Evaluator scores, one per evaluator."""
    return tuple(D(v) for v in values)


def bid(
    bid_id: str,
    price: str | int | Decimal = 10_000,
    *,
    minutes: int = 0,
    supplier: str | None = None,
    judgement: Mapping[str, Iterable[str | int]] | None = None,
    moderated: Mapping[str, str | int] | None = None,
    answers: Mapping[str, str | int] | None = None,
    commitments: Iterable[tuple[str, str | int]] = (),
    passes: Mapping[str, bool] | None = None,
    local: bool = False,
    excluded: str | None = None,
) -> BidInput:
    """A bid; the supplier is named after the bid id unless given."""
    return BidInput(
        bid_id=bid_id,
        supplier_name=supplier or f"Bidder {bid_id.upper()}",
        price=D(price),
        submitted_at=START + timedelta(minutes=minutes),
        is_local=local,
        metric_answers={k: D(v) for k, v in (answers or {}).items()},
        commitments=tuple(Commitment(code, D(q)) for code, q in commitments),
        judgement_scores={k: scores(*v) for k, v in (judgement or {}).items()},
        moderated_scores={k: D(v) for k, v in (moderated or {}).items()},
        pass_fail_answers=dict(passes or {}),
        excluded_reason=excluded,
    )


def catalogue(**values: str | int) -> dict[str, ProxyValue]:
    """A catalogue of measures; keyword names become codes (JOB_LOCAL -> JOB-LOCAL)."""
    return {
        code.replace("_", "-"): ProxyValue(code.replace("_", "-"), code, "unit", D(value))
        for code, value in values.items()
    }


def run(
    criteria: CriteriaTree,
    *bids: BidInput,
    proxies: Mapping[str, ProxyValue] | None = None,
    rules: EvaluationRules | None = None,
) -> EvaluationResult:
    """Evaluate the bids against the tree."""
    return evaluate(criteria, bids, proxies or {}, rules or EvaluationRules())


def only(result: EvaluationResult, bid_id: str, key: str = "c") -> tuple[BidResult, Decimal]:
    """One bid's result and its normalised score on criterion `key`."""
    found = result.bid(bid_id)
    return found, found.criterion(key).normalised


def normalised(result: EvaluationResult, key: str = "c") -> dict[str, Decimal]:
    """Every bid's normalised score on criterion `key`, by bid id."""
    return {b.bid_id: b.criterion(key).normalised for b in result.bids}


def shown(value: Decimal, places: str = "0.001") -> Decimal:
    """A value rounded for comparing with a hand calculation."""
    return value.quantize(D(places))
