"""Metric: numbers the bids state, relative to the best bid or between a floor and a target."""

from decimal import Decimal

import pytest

from scoring.criteria import CriteriaTree, GroupKind, Method, MetricDirection, MetricMode
from tests.unit.scoring.builders import D, bid, normalised, run, single

HIGHER = single(Method.METRIC, GroupKind.LOCALISM, unit="%")
LOWER = single(
    Method.METRIC, GroupKind.ENVIRONMENT, direction=MetricDirection.LOWER_IS_BETTER, unit="t"
)


def test_higher_is_better_scores_each_answer_over_the_highest() -> None:
    # best 60: 45 / 60 = 0.75 of 100 points
    result = run(HIGHER, bid("a", answers={"c": 45}), bid("b", answers={"c": 60}))
    assert normalised(result) == {"b": 1, "a": D("0.75")}
    assert result.bid("a").criterion("c").explanation == (
        "Stated 45.00 %; best bid 60.00 %: 45.00 / 60.00 x 100.00 = 75.00 points."
    )


def test_lower_is_better_scores_the_lowest_over_each_answer() -> None:
    # best 8 tonnes: 8 / 12 = 0.667 of 100 points
    result = run(LOWER, bid("a", answers={"c": 12}), bid("b", answers={"c": 8}))
    assert normalised(result) == {"b": 1, "a": D(8) / 12}
    assert result.bid("a").criterion("c").explanation == (
        "Stated 12.00 t; best bid 8.00 t: 8.00 / 12.00 x 100.00 = 66.67 points."
    )


def test_an_answer_of_zero_is_the_best_possible_when_lower_is_better() -> None:
    result = run(LOWER, bid("a", answers={"c": 0}), bid("b", answers={"c": 3}))
    assert normalised(result) == {"a": 1, "b": 0}
    assert result.bid("a").criterion("c").explanation == (
        "Stated 0.00 t, the best possible: full marks, 100.00 points."
    )


def test_negative_answers_count_as_zero_under_relative_scoring() -> None:
    result = run(HIGHER, bid("a", answers={"c": -5}), bid("b", answers={"c": 50}))
    score = result.bid("a").criterion("c")
    assert (score.raw, score.normalised) == (D(-5), D(0))
    assert "counted as 0.00" in score.explanation


def test_nobody_earns_marks_when_no_bid_states_more_than_zero() -> None:
    result = run(HIGHER, bid("a", answers={"c": 0}), bid("b", answers={"c": -1}))
    assert normalised(result) == {"a": 0, "b": 0}
    assert "no eligible bid stated more than 0" in result.bid("a").criterion("c").explanation


def test_a_missing_answer_earns_nothing_and_says_so() -> None:
    result = run(HIGHER, bid("a"), bid("b", answers={"c": 10}))
    score = result.bid("a").criterion("c")
    assert (score.raw, score.weighted, score.notes) == (None, D(0), ("No answer given",))


LINEAR_UP = single(
    Method.METRIC, metric_mode=MetricMode.LINEAR, floor=D(20), target=D(80), unit="%"
)
# A target below the floor scores a lower-is-better number: 100 tonnes scores 0, 40 full.
LINEAR_DOWN = single(Method.METRIC, metric_mode=MetricMode.LINEAR, floor=D(100), target=D(40))


@pytest.mark.parametrize(
    ("criteria", "answer", "expected"),
    [
        (LINEAR_UP, 50, D("0.5")),  # (50 - 20) / (80 - 20)
        (LINEAR_UP, 20, D(0)),
        (LINEAR_UP, 10, D(0)),  # short of the floor
        (LINEAR_UP, 95, D(1)),  # beyond the target
        (LINEAR_DOWN, 70, D("0.5")),  # (70 - 100) / (40 - 100)
        (LINEAR_DOWN, 30, D(1)),
        (LINEAR_DOWN, 120, D(0)),
    ],
)
def test_linear_scoring_runs_from_the_floor_to_the_target(
    criteria: CriteriaTree, answer: int, expected: Decimal
) -> None:
    result = run(criteria, bid("a", answers={"c": answer}))
    assert result.bid("a").criterion("c").normalised == expected


def test_linear_scoring_does_not_depend_on_the_other_bids() -> None:
    alone = run(LINEAR_UP, bid("a", answers={"c": 50}))
    together = run(LINEAR_UP, bid("a", answers={"c": 50}), bid("b", answers={"c": 80}))
    assert alone.bid("a").criterion("c") == together.bid("a").criterion("c")
    assert alone.bid("a").criterion("c").explanation == (
        "Stated 50.00 %; floor 20.00, target 80.00: (50.00 - 20.00) / (80.00 - 20.00) x "
        "100.00 = 50.00 points."
    )
