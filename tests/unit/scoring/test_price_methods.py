"""Price methods: relative to the lowest price, linear from it, and price per quality point."""

from decimal import Decimal

import pytest

from scoring.bids import BidInput
from scoring.criteria import GroupKind, Method
from scoring.results import FlagKind
from tests.unit.scoring.builders import (
    FIVE_POINT,
    D,
    bid,
    criterion,
    group,
    normalised,
    price_only,
    run,
    shown,
    tree,
)

PRICE_40 = tree(
    group("price", GroupKind.PRICE, 40, criterion("price", Method.PRICE_RELATIVE)),
    group("quality", GroupKind.QUALITY, 60, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
)


def test_the_common_uk_example_scores_two_thirds_one_and_one_third_of_the_price_weight() -> None:
    # lowest price £10,000: A = 10,000 / 15,000 = 0.667, B = 1, C = 10,000 / 30,000 = 0.333;
    # of 40 points: A = 26.67, B = 40.00, C = 13.33.
    result = run(PRICE_40, bid("a", 15_000), bid("b", 10_000), bid("c", 30_000))
    scores = {b.bid_id: b.criterion("price") for b in result.bids}
    assert {k: shown(s.normalised) for k, s in scores.items()} == {
        "a": D("0.667"),
        "b": D("1.000"),
        "c": D("0.333"),
    }
    assert {k: shown(s.weighted, "0.01") for k, s in scores.items()} == {
        "a": D("26.67"),
        "b": D("40.00"),
        "c": D("13.33"),
    }
    assert scores["a"].max_points == 40
    assert scores["a"].raw == 15_000
    assert scores["a"].explanation == (
        "Lowest price £10,000.00 / this bid £15,000.00 x 40.00 = 26.67 points."
    )


def test_relative_price_keeps_full_precision_and_rounds_only_the_text() -> None:
    result = run(PRICE_40, bid("a", 15_000), bid("b", 10_000))
    weighted = result.bid("a").criterion("price").weighted
    assert weighted == D(10_000) / D(15_000) * 40
    assert weighted != D("26.67")


def test_an_excluded_bids_lower_price_does_not_set_the_lowest_price() -> None:
    result = run(price_only(), bid("a", 10_000), bid("b", 20_000), bid("x", 5_000, excluded="Late"))
    assert normalised(result, "price") == {"a": 1, "b": D("0.5"), "x": 1}
    capped = result.bid("x").criterion("price").explanation
    assert capped == (
        "Lowest eligible price £10,000.00 / this bid £5,000.00 x 100.00 is more than full "
        "marks, so 100.00 points."
    )


@pytest.mark.parametrize("price", ["0", "-100"])
def test_a_price_of_nothing_or_less_excludes_the_bid_and_scores_nothing(price: str) -> None:
    result = run(price_only(), bid("a", 10_000), bid("z", price))
    zero = result.bid("z")
    assert not zero.eligible
    assert zero.rank is None
    assert zero.criterion("price").weighted == 0
    assert [f.kind for f in zero.flags] == [FlagKind.EXCLUDED]
    assert "cannot be scored" in zero.flags[0].message


LINEAR = price_only(Method.PRICE_LINEAR, zero_at_percent_above=D(25))


@pytest.mark.parametrize(
    ("price", "expected", "explanation"),
    [
        # 10% above the lowest: 1 - 10 / 25 = 0.6 of 100 points.
        (
            11_000,
            D("0.6"),
            "Lowest price £10,000.00; this bid £11,000.00 is 10.00% above it: "
            "(1 - 10.00% / 25.00%) x 100.00 = 60.00 points.",
        ),
        # Exactly 25% above scores nothing, and so does anything beyond it.
        (
            12_500,
            D(0),
            "Lowest price £10,000.00; this bid £12,500.00 is 25.00% above it, at or beyond "
            "the 25.00% at which a price scores nothing: 0.00 points.",
        ),
        (
            20_000,
            D(0),
            "Lowest price £10,000.00; this bid £20,000.00 is 100.00% above it, at or beyond "
            "the 25.00% at which a price scores nothing: 0.00 points.",
        ),
    ],
)
def test_linear_price_falls_from_full_marks_at_the_lowest_to_nothing_at_the_stated_percent(
    price: int, expected: Decimal, explanation: str
) -> None:
    result = run(LINEAR, bid("low", 10_000), bid("other", price))
    assert result.bid("low").criterion("price").normalised == 1
    score = result.bid("other").criterion("price")
    assert score.normalised == expected
    assert score.explanation == explanation


def test_linear_price_gives_full_marks_to_an_ineligible_bid_below_the_lowest() -> None:
    result = run(LINEAR, bid("a", 10_000), bid("x", 9_000, excluded="No insurance"))
    assert result.bid("x").criterion("price").normalised == 1
    assert "below the lowest eligible price" in result.bid("x").criterion("price").explanation


# Price per quality point, its own award model. Quality is 50% on a 0-5 scale, so quality
# points are score / 5 x 50:
#   A: £10,000, score 4   -> 40 quality points -> £250 per point
#   B: £8,000,  score 2.5 -> 25 quality points -> £320 per point
#   C: £12,000, score 5   -> 50 quality points -> £240 per point (the lowest)
# Price per quality point (50 points): A = 240 / 250 = 0.96 -> 48.00; B = 240 / 320 = 0.75
# -> 37.50; C = 1 -> 50.00. Totals: A 88.00, B 62.50, C 100.00.
PPQP = tree(
    group("price", GroupKind.PRICE, 50, criterion("ppqp", Method.PRICE_PER_QUALITY_POINT)),
    group("quality", GroupKind.QUALITY, 50, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
)


def ppqp_bids() -> list[BidInput]:
    return [
        bid("a", 10_000, moderated={"q": 4}),
        bid("b", 8_000, moderated={"q": "2.5"}),
        bid("c", 12_000, moderated={"q": 5}),
    ]


def test_price_per_quality_point_scores_the_lowest_cost_of_a_quality_point_best() -> None:
    result = run(PPQP, *ppqp_bids())
    assert normalised(result, "ppqp") == {"c": 1, "a": D("0.96"), "b": D("0.75")}
    assert {b.bid_id: b.total for b in result.bids} == {"c": 100, "a": 88, "b": D("62.5")}
    assert [b.bid_id for b in result.bids] == ["c", "a", "b"]
    score = result.bid("a").criterion("ppqp")
    assert score.raw == 250
    assert score.explanation == (
        "Price per quality point: lowest £240.00 / this bid £250.00 (£10,000.00 / 40.00 "
        "quality points) x 50.00 = 48.00 points."
    )


def test_a_bid_without_quality_points_scores_nothing_on_price_per_quality_point() -> None:
    result = run(PPQP, *ppqp_bids(), bid("d", 1_000, moderated={"q": 0}))
    score = result.bid("d").criterion("ppqp")
    assert score.weighted == 0
    assert score.raw is None
    assert score.notes == ("No quality points, so no price per quality point",)
    # D's low price does not move the baseline: C still sets it.
    assert result.bid("c").criterion("ppqp").normalised == 1
