"""Weight sensitivity and rank reversal, against hand-solved examples and brute force."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.bids import BidInput, EvaluationRules
from scoring.criteria import CriteriaTree, GroupKind, Method, Scale
from scoring.engine import evaluate
from scoring.sensitivity import analyse_sensitivity
from tests.unit.scoring.builders import FIVE_POINT, D, bid, criterion, group, run, tree
from tests.unit.scoring.strategies import PROXIES, tenders

RULES = EvaluationRules()


def analyse(criteria: CriteriaTree, *bids: BidInput):  # type: ignore[no-untyped-def]
    return analyse_sensitivity(criteria, bids, {}, RULES)


def reweighted(criteria: CriteriaTree, key: str, x: Decimal) -> CriteriaTree:
    """The tree with group `key` at weight x and the others rescaled in proportion."""
    current = next(g.weight for g in criteria.groups if g.key == key)
    factor = (100 - x) / (100 - current)
    return CriteriaTree(
        tuple(replace(g, weight=x if g.key == key else g.weight * factor) for g in criteria.groups)
    )


def winner_at(criteria: CriteriaTree, key: str, x: Decimal, bids: tuple[BidInput, ...]) -> str:
    found = run(reweighted(criteria, key, x), *bids).winner_id
    assert found is not None
    return found


# Price 60% (relative), quality 40% (0-10, moderated). Normalised scores:
#   A: £10,000 -> price 1,   quality 2  -> 0.2
#   B: £12,500 -> price 0.8, quality 7  -> 0.7
#   C: £20,000 -> price 0.5, quality 10 -> 1
# With price weight x and quality 100 - x:
#   A(x) = x + 0.2 (100 - x) = 20 + 0.8 x
#   B(x) = 0.8 x + 0.7 (100 - x) = 70 + 0.1 x
#   C(x) = 0.5 x + (100 - x) = 100 - 0.5 x
# Now (x = 60): A 68, B 76, C 70, so B wins. B stays ahead of C while 70 + 0.1 x >= 100 - 0.5 x,
# that is x >= 50, and ahead of A while 70 + 0.1 x >= 20 + 0.8 x, that is x <= 500 / 7
# = 71.4286. Below 50% C wins; above 71.43% A wins. For quality, 100 - x: 28.57% to 50%.
THREE_WAY = tree(
    group("price", GroupKind.PRICE, 60, criterion("price", Method.PRICE_RELATIVE)),
    group("quality", GroupKind.QUALITY, 40, criterion("q", Method.JUDGEMENT, scale=Scale(D(10)))),
)
THREE_BIDS = (
    bid("a", 10_000, moderated={"q": 2}),
    bid("b", 12_500, moderated={"q": 7}),
    bid("c", 20_000, moderated={"q": 10}),
)


def test_the_price_weight_interval_matches_the_hand_solution() -> None:
    result = analyse(THREE_WAY, *THREE_BIDS)
    assert result.winner_id == "b"
    price = result.interval("price")
    assert (price.current, price.lower, price.upper) == (60, 50, D(500) / 7)
    assert (price.lower_rival_id, price.upper_rival_id) == ("c", "a")
    assert price.explanation == (
        "Bidder B stays the winner for any weight of Price between 50.00% and 71.42% (now "
        "60.00%), with the other groups rescaled in proportion. Below 50.00% Bidder C would "
        "win; above 71.42% Bidder A would win."
    )


def test_the_other_groups_interval_is_the_mirror_image() -> None:
    quality = analyse(THREE_WAY, *THREE_BIDS).interval("quality")
    assert quality.lower == 100 - D(500) / 7
    assert quality.upper == 50
    assert (quality.lower_rival_id, quality.upper_rival_id) == ("a", "c")
    assert "between 28.58% and 50.00% (now 40.00%)" in quality.explanation


def test_the_interval_is_where_the_winner_really_stays_the_winner() -> None:
    for x, expected in [("49.99", "c"), ("50.01", "b"), ("71.42", "b"), ("71.43", "a")]:
        assert winner_at(THREE_WAY, "price", D(x), THREE_BIDS) == expected


def test_a_winner_that_wins_on_every_count_holds_at_any_weight() -> None:
    result = analyse(THREE_WAY, bid("a", 10_000, moderated={"q": 10}), bid("b", 12_000))
    interval = result.interval("price")
    assert (interval.lower, interval.upper) == (0, 100)
    assert (interval.lower_rival_id, interval.upper_rival_id) == (None, None)
    assert interval.explanation == (
        "Bidder A stays the winner whatever the weight of Price, from 0% to 100% (now "
        "60.00%), with the other groups rescaled in proportion."
    )


def test_rescaling_keeps_the_other_groups_in_proportion() -> None:
    # Price 50, quality 30, localism 20: moving price to x puts quality at 0.6 (100 - x) and
    # localism at 0.4 (100 - x). A: price 1, quality 0.4, not local; B: 0.8, 1, local.
    # A(x) = x + 0.24 (100 - x); B(x) = 0.8 x + (100 - x); B >= A while x <= 76 / 0.96.
    criteria = tree(
        group("price", GroupKind.PRICE, 50, criterion("price", Method.PRICE_RELATIVE)),
        group("quality", GroupKind.QUALITY, 30, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
        group("local", GroupKind.LOCALISM, 20, criterion("l", Method.LOCAL_SUPPLIER)),
    )
    bids = (bid("a", 10_000, moderated={"q": 2}), bid("b", 12_500, moderated={"q": 5}, local=True))
    price = analyse(criteria, *bids).interval("price")
    assert (price.lower, price.upper) == (0, D(76) / D("0.96"))
    assert winner_at(criteria, "price", D("79.16"), bids) == "b"
    assert winner_at(criteria, "price", D("79.17"), bids) == "a"


# Price per quality point (price group 50%) moves with the quality and localism weights, and
# not in proportion across bids: each of those groups takes the exact, piecewise path.
PPQP_TREE = tree(
    group("price", GroupKind.PRICE, 50, criterion("ppqp", Method.PRICE_PER_QUALITY_POINT)),
    group("quality", GroupKind.QUALITY, 30, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
    group("local", GroupKind.LOCALISM, 20, criterion("l", Method.LOCAL_SUPPLIER)),
)
PPQP_BIDS = (
    bid("a", 9_000, moderated={"q": 2}, local=True),
    bid("b", 10_000, moderated={"q": 4}),
    bid("c", 14_000, moderated={"q": 5}, local=True),
    bid("d", 7_000, moderated={"q": 1}),
)


def assert_interval_holds(
    criteria: CriteriaTree, bids: tuple[BidInput, ...], key: str, steps: int = 50
) -> None:
    """Brute force: the winner is the winner all through the interval, and just beyond each
    end the named rival wins. (With price per quality point the winner may win again further
    out; the interval is the stretch around the current weight.)"""
    result = analyse_sensitivity(criteria, bids, {}, RULES)
    interval = result.interval(key)
    margin = D("0.001")
    for n in range(steps + 1):
        x = interval.lower + (interval.upper - interval.lower) * n / steps
        if interval.lower + margin < x < interval.upper - margin:
            assert winner_at(criteria, key, x, bids) == result.winner_id, x
    ends = ((interval.lower, -margin, interval.lower_rival_id),
            (interval.upper, margin, interval.upper_rival_id))  # fmt: skip
    for edge, step, rival in ends:
        if rival is not None:
            assert winner_at(criteria, key, edge + step, bids) == rival
            assert winner_at(criteria, key, edge - step, bids) == result.winner_id
        else:
            assert edge in (0, 100)


@pytest.mark.parametrize("key", ["price", "quality", "local"])
def test_intervals_with_price_per_quality_point_hold_by_brute_force(key: str) -> None:
    assert_interval_holds(PPQP_TREE, PPQP_BIDS, key)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 40).map(lambda n: D(n * 500)),
            st.integers(0, 5),
            st.booleans(),
        ),
        min_size=2,
        max_size=5,
    ),
    st.sampled_from(["price", "quality", "local"]),
    st.booleans(),
)
def test_intervals_hold_by_brute_force_for_any_bids(
    offers: list[tuple[Decimal, int, bool]], key: str, per_quality_point: bool
) -> None:
    criteria = PPQP_TREE if per_quality_point else THREE_GROUPS
    bids = tuple(
        bid(f"b{n}", price, moderated={"q": q}, local=local)
        for n, (price, q, local) in enumerate(offers)
    )
    assert_interval_holds(criteria, bids, key, steps=20)


THREE_GROUPS = tree(
    group("price", GroupKind.PRICE, 50, criterion("price", Method.PRICE_RELATIVE)),
    group("quality", GroupKind.QUALITY, 30, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
    group("local", GroupKind.LOCALISM, 20, criterion("l", Method.LOCAL_SUPPLIER)),
)


# Rank reversal. Price 50% (relative) and quality 50% (0-10):
#   A: £100,000, quality 9;  B: £80,000, quality 7.5;  C: £50,000, quality 2 (the lowest price).
# With C the lowest price is £50,000: A = 50 x 0.5 + 45 = 70.00, B = 50 x 0.625 + 37.5 =
# 68.75, C = 50 + 10 = 60.00: A wins. Without C the lowest is £80,000: A = 40 + 45 = 85.00,
# B = 50 + 37.5 = 87.50: B wins. Removing the losing bid C hands the award to B.
REVERSAL = tree(
    group("price", GroupKind.PRICE, 50, criterion("price", Method.PRICE_RELATIVE)),
    group("quality", GroupKind.QUALITY, 50, criterion("q", Method.JUDGEMENT, scale=Scale(D(10)))),
)
REVERSAL_BIDS = (
    bid("a", 100_000, moderated={"q": 9}),
    bid("b", 80_000, moderated={"q": "7.5"}),
    bid("c", 50_000, moderated={"q": 2}),
)


def test_removing_a_losing_bid_that_sets_the_lowest_price_can_change_the_winner() -> None:
    result = analyse(REVERSAL, *REVERSAL_BIDS)
    assert result.winner_id == "a"
    [reversal] = result.reversals
    assert (reversal.removed_bid_id, reversal.new_winner_id) == ("c", "b")
    assert reversal.explanation == (
        "Without Bidder C's bid, Bidder B would win instead of Bidder A: Bidder C set the "
        "baseline others are scored against on 'Price', and without it Bidder B scores 87.50 "
        "against Bidder A's 85.00."
    )
    assert "removing one losing bid (Bidder C) would change the winner" in result.explanation
    # Checked against evaluating without C:
    assert run(REVERSAL, *REVERSAL_BIDS[:2]).winner_id == "b"


# The same shape for a relative metric (higher is better) and for social value: C states
# the best answer (100) and loses; without it the best is B's 80. With C: A = 50 x 40/100 +
# 5 x 10 = 70.00, B = 50 x 80/100 + 5 x 5.5 = 67.50. Without C: A = 50 x 40/80 + 50 = 75.00,
# B = 50 + 27.50 = 77.50.
def best_answer_tree(method: Method, **settings: Any) -> CriteriaTree:
    return tree(
        group("social", GroupKind.SOCIAL_VALUE, 50, criterion("v", method, **settings)),
        group(
            "quality", GroupKind.QUALITY, 50, criterion("q", Method.JUDGEMENT, scale=Scale(D(10)))
        ),
    )


@pytest.mark.parametrize(
    ("criteria", "answers"),
    [
        (
            best_answer_tree(Method.METRIC),
            [{"answers": {"v": n}} for n in (40, 80, 100)],
        ),
        (
            best_answer_tree(Method.SOCIAL_VALUE_MEASURES, measures=("JOB-LOCAL",)),
            [{"commitments": [("JOB-LOCAL", n // 20)]} for n in (40, 80, 100)],
        ),
    ],
)
def test_removing_the_bid_with_the_best_answer_can_change_the_winner(
    criteria: CriteriaTree, answers: list[dict[str, Any]]
) -> None:
    bids = tuple(
        bid(key, moderated={"q": q}, **answer)
        for key, q, answer in zip("abc", ("10", "5.5", "0"), answers, strict=True)
    )
    result = analyse_sensitivity(criteria, bids, PROXIES, RULES)
    assert result.winner_id == "a"
    assert [(r.removed_bid_id, r.new_winner_id) for r in result.reversals] == [("c", "b")]
    assert evaluate(criteria, bids[:2], PROXIES, RULES).winner_id == "b"


def test_losing_bids_that_set_no_baseline_cannot_change_the_winner() -> None:
    criteria = tree(
        group("quality", GroupKind.QUALITY, 100, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT))
    )
    result = analyse(criteria, bid("a", moderated={"q": 5}), bid("b", moderated={"q": 3}))
    assert result.reversals == ()
    assert result.explanation == (
        "Bidder A wins, and removing any one losing bid would not change that: no losing bid "
        "alone sets a baseline (lowest price, best answer) that other bids are scored "
        "against, so removing one changes no other bid's score."
    )


def test_a_baseline_setter_whose_removal_changes_nothing_is_reported_as_checked() -> None:
    bids = (bid("a", 100_000, moderated={"q": 10}), bid("c", 50_000, moderated={"q": 0}))
    result = analyse(REVERSAL, *bids)
    assert result.reversals == ()
    assert "Bidder C alone set a baseline other bids are scored against" in result.explanation


def test_a_shared_lowest_price_is_not_a_baseline_any_one_bid_can_move() -> None:
    bids = (*REVERSAL_BIDS, bid("d", 50_000, moderated={"q": 1}))
    assert analyse(REVERSAL, *bids).reversals == ()


def test_with_no_eligible_bid_there_is_nothing_to_analyse() -> None:
    result = analyse(REVERSAL, bid("x", excluded="Late"))
    assert (result.winner_id, result.intervals, result.reversals) == (None, (), ())


def test_a_given_result_gives_the_same_analysis() -> None:
    evaluated = run(REVERSAL, *REVERSAL_BIDS)
    given_result = analyse_sensitivity(REVERSAL, REVERSAL_BIDS, {}, RULES, evaluated)
    assert given_result == analyse(REVERSAL, *REVERSAL_BIDS)


@settings(max_examples=40, deadline=None)
@given(tenders())
def test_reversals_are_exactly_the_removals_that_change_the_winner(
    tender: tuple[CriteriaTree, list[BidInput]],
) -> None:
    criteria, bids = tender
    found = analyse_sensitivity(criteria, bids, PROXIES, RULES)
    evaluated = evaluate(criteria, bids, PROXIES, RULES)
    expected = {}
    for loser in evaluated.bids[1:]:
        if loser.rank is None:
            continue
        others = [b for b in bids if b.bid_id != loser.bid_id]
        winner = evaluate(criteria, others, PROXIES, RULES).winner_id
        if winner != evaluated.winner_id:
            expected[loser.bid_id] = winner
    assert {r.removed_bid_id: r.new_winner_id for r in found.reversals} == expected
