"""Judgement: evaluator scores on a scale, moderation, thresholds and the spread flag."""

from decimal import Decimal

import pytest

from scoring.bids import EvaluationRules
from scoring.criteria import Method, Scale, ScaleLevel
from scoring.results import FlagKind
from tests.unit.scoring.builders import FIVE_POINT, D, bid, run, single

FIVE = single(Method.JUDGEMENT, scale=FIVE_POINT)


def test_the_mean_of_the_evaluators_scores_is_divided_by_the_scale_maximum() -> None:
    # (3 + 4 + 4) / 3 = 3.666..., / 5 = 0.7333..., x 100 points = 73.33
    result = run(FIVE, bid("a", judgement={"c": [3, 4, 4]}))
    score = result.bid("a").criterion("c")
    assert score.raw == D(11) / 3
    assert score.normalised == D(11) / 3 / 5
    assert score.explanation == (
        "Mean of the 3 evaluators' scores 3.67 / scale maximum 5.00 x 100.00 = 73.33 points."
    )


def test_a_moderated_score_replaces_the_mean() -> None:
    result = run(FIVE, bid("a", judgement={"c": [1, 5]}, moderated={"c": 3}))
    score = result.bid("a").criterion("c")
    assert score.raw == 3
    assert score.weighted == 60
    assert score.explanation == "Moderated score 3.00 / scale maximum 5.00 x 100.00 = 60.00 points."


def test_a_bid_nobody_has_scored_yet_earns_nothing_and_says_so() -> None:
    result = run(FIVE, bid("a"))
    score = result.bid("a").criterion("c")
    assert (score.raw, score.weighted) == (None, D(0))
    assert score.notes == ("Not yet scored",)
    assert score.explanation == "Not yet scored: 0.00 points."


@pytest.mark.parametrize(
    ("maximum", "values", "expected"),
    [
        ("10", [7], D("0.7")),
        ("100", [55, 65], D("0.6")),
        ("5", [6], D(1)),  # above the scale: counted as full marks
    ],
)
def test_scores_are_normalised_on_any_scale(
    maximum: str, values: list[int], expected: Decimal
) -> None:
    result = run(
        single(Method.JUDGEMENT, scale=Scale(D(maximum))), bid("a", judgement={"c": values})
    )
    assert result.bid("a").criterion("c").normalised == expected


def test_a_custom_level_is_named_in_the_explanation() -> None:
    scale = Scale(D(4), (ScaleLevel(D(3), "Good", "Meets every requirement"),))
    result = run(single(Method.JUDGEMENT, scale=scale), bid("a", moderated={"c": 3}))
    assert result.bid("a").criterion("c").explanation.startswith("Moderated score 3.00 ('Good')")


def test_a_score_below_the_minimum_fails_the_quality_threshold_with_a_reason() -> None:
    criteria = single(Method.JUDGEMENT, scale=FIVE_POINT, minimum_score=D(2))
    result = run(criteria, bid("low", judgement={"c": [1, 2]}), bid("ok", judgement={"c": [2]}))
    low = result.bid("low")
    assert not low.eligible and low.rank is None
    [flag] = low.flags
    assert flag.kind is FlagKind.THRESHOLD_FAILED
    assert flag.criterion_key == "c"
    assert flag.message == (
        "'C' scored 1.50, below the minimum of 2.00: the bid fails the quality threshold."
    )
    assert low.total_explanation.endswith(f"Not ranked. {flag.message}")
    assert result.bid("ok").rank == 1


def test_a_bid_not_yet_scored_has_not_failed_the_threshold() -> None:
    criteria = single(Method.JUDGEMENT, scale=FIVE_POINT, minimum_score=D(2))
    assert run(criteria, bid("a")).bid("a").eligible


@pytest.mark.parametrize(
    ("values", "moderated", "flagged"),
    [
        ([1, 3], None, True),  # 2 apart: at the threshold
        ([2, 3, 3], None, False),  # 1 apart
        ([1, 5], 3, False),  # already moderated
        ([5], None, False),  # one evaluator cannot disagree
    ],
)
def test_scores_that_far_apart_are_flagged_for_moderation(
    values: list[int], moderated: int | None, flagged: bool
) -> None:
    result = run(
        FIVE,
        bid("a", judgement={"c": values}, moderated={"c": moderated} if moderated else None),
        rules=EvaluationRules(spread_threshold=D(2)),
    )
    flags = result.bid("a").flags_of(FlagKind.EVALUATOR_SPREAD)
    assert bool(flags) is flagged
    if flagged:
        assert flags[0].message == (
            "Evaluators' scores for 'C' range from 1.00 to 3.00, 2.00 scale points apart "
            "(the threshold is 2.00): moderate this score."
        )
        assert result.bid("a").eligible  # a prompt, not an exclusion
