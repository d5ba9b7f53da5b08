"""Properties that hold for every tree and every set of bids."""

import random
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.bids import BidInput, EvaluationRules
from scoring.criteria import CriteriaTree, GroupKind, Method
from scoring.engine import evaluate
from scoring.results import EvaluationResult
from tests.unit.scoring.builders import (
    FIVE_POINT,
    D,
    bid,
    criterion,
    group,
    price_only,
    run,
    single,
    tree,
)
from tests.unit.scoring.strategies import PROXIES, bids_for, money, tenders

RULES = EvaluationRules()
PRICE_METHODS = [
    price_only(Method.PRICE_RELATIVE),
    price_only(Method.PRICE_LINEAR, zero_at_percent_above=D(30)),
]
PER_QUALITY_POINT = tree(
    group("p", GroupKind.PRICE, 50, criterion("price", Method.PRICE_PER_QUALITY_POINT)),
    group("q", GroupKind.QUALITY, 50, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
)
FEW = settings(max_examples=60, deadline=None)


def evaluated(criteria: CriteriaTree, bids: list[BidInput]) -> EvaluationResult:
    return evaluate(criteria, bids, PROXIES, RULES)


@FEW
@given(st.lists(money, min_size=1, max_size=6), st.data())
def test_a_lower_price_never_scores_lower(prices: list[Decimal], data: st.DataObject) -> None:
    who = data.draw(st.integers(0, len(prices) - 1))
    cut = data.draw(st.integers(1, 100)) * prices[who] / 100
    lower = [p - cut if n == who else p for n, p in enumerate(prices)]
    lower[who] = max(lower[who], D("0.01"))
    quality = {"q": 3}  # the same quality for every bid, for price per quality point
    for criteria in [*PRICE_METHODS, PER_QUALITY_POINT]:
        before = run(criteria, *(bid(f"b{n}", p, moderated=quality) for n, p in enumerate(prices)))
        after = run(criteria, *(bid(f"b{n}", p, moderated=quality) for n, p in enumerate(lower)))
        key = f"b{who}"
        assert (
            after.bid(key).criterion("price").weighted
            >= before.bid(key).criterion("price").weighted
        )


@FEW
@given(tenders(), st.randoms(use_true_random=False))
def test_bid_order_never_changes_any_result(
    tender: tuple[CriteriaTree, list[BidInput]], shuffler: random.Random
) -> None:
    criteria, bids = tender
    shuffled = list(bids)
    shuffler.shuffle(shuffled)
    assert evaluated(criteria, shuffled) == evaluated(criteria, bids)


@FEW
@given(st.lists(money, min_size=1, max_size=6), st.integers(2, 1_000))
def test_scaling_every_price_leaves_relative_price_scores_unchanged(
    prices: list[Decimal], factor: int
) -> None:
    for criteria in PRICE_METHODS:
        before = run(criteria, *(bid(f"b{n}", p) for n, p in enumerate(prices)))
        after = run(criteria, *(bid(f"b{n}", p * factor) for n, p in enumerate(prices)))
        assert [b.criterion("price").normalised for b in after.bids] == [
            b.criterion("price").normalised for b in before.bids
        ]


@FEW
@given(tenders())
def test_totals_stay_within_0_and_100(tender: tuple[CriteriaTree, list[BidInput]]) -> None:
    for result in evaluated(*tender).bids:
        assert 0 <= result.total <= 100
        for score in result.criteria:
            assert 0 <= score.normalised <= 1
            assert 0 <= score.weighted <= score.max_points


FORMULA_END = re.compile(r" x [\d,]+\.\d+ = [\d,]+\.\d+ points\.$")
NUMBER = re.compile(r"-?£?(\d{1,3}(?:,\d{3})*\.\d+)")


def numbers(text: str) -> list[Decimal]:
    """Every number written with decimals in a sentence, in order, as a Decimal."""
    return [
        -D(m.group(1).replace(",", ""))
        if m.group(0).startswith("-")
        else D(m.group(1).replace(",", ""))
        for m in NUMBER.finditer(text)
    ]


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), ROUND_HALF_UP)


@FEW
@given(tenders())
def test_every_explanation_ends_with_the_computed_points(
    tender: tuple[CriteriaTree, list[BidInput]],
) -> None:
    for result in evaluated(*tender).bids:
        for score in result.criteria:
            assert numbers(score.explanation)[-1] == cents(score.weighted), score.explanation
        for points in result.groups:
            assert numbers(points.explanation)[-2:] == [
                cents(points.points),
                cents(points.max_points),
            ]
        assert numbers(result.total_explanation)[0] == cents(result.total)


@FEW
@given(st.lists(money, min_size=1, max_size=6))
def test_the_relative_price_explanation_shows_the_numbers_it_computed(
    prices: list[Decimal],
) -> None:
    result = run(PRICE_METHODS[0], *(bid(f"b{n}", p) for n, p in enumerate(prices)))
    for b in result.bids:
        score = b.criterion("price")
        assert numbers(score.explanation) == [
            cents(min(prices)),
            cents(b.price),
            cents(score.max_points),
            cents(score.weighted),
        ]


JUDGED = single(Method.JUDGEMENT, scale=FIVE_POINT)


@FEW
@given(st.lists(st.lists(st.integers(0, 5), min_size=1, max_size=5), min_size=1, max_size=5))
def test_the_judgement_explanation_shows_the_numbers_it_computed(
    panels: list[list[int]],
) -> None:
    bids = [bid(f"b{n}", judgement={"c": panel}) for n, panel in enumerate(panels)]
    result = run(JUDGED, *bids)
    for b, panel in zip(sorted(result.bids, key=lambda r: r.bid_id), panels, strict=True):
        score = b.criterion("c")
        mean = D(sum(panel)) / len(panel)
        assert numbers(score.explanation) == [cents(mean), D(5), D(100), cents(score.weighted)]


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_explanations_show_the_computed_numbers_for_every_method(data: st.DataObject) -> None:
    criteria, bids = data.draw(tenders())
    more = data.draw(bids_for(criteria, 3))
    result = evaluated(criteria, bids + [replace(b, bid_id=f"x{b.bid_id}") for b in more])
    for b in result.bids:
        for score in b.criteria:
            shown = numbers(score.explanation)
            yes_no = score.method in (Method.PASS_FAIL, Method.LOCAL_SUPPLIER)
            if score.raw is not None and not yes_no:
                assert cents(score.raw) in shown, score.explanation
            if FORMULA_END.search(score.explanation):
                assert cents(score.max_points) == shown[-2], score.explanation
