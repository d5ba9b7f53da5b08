"""Each method's formula in words carries the criterion's own settings."""

from decimal import Decimal

import pytest

from reports.formulas import formula_in_words, method_name
from scoring.criteria import (
    Criterion,
    Method,
    MetricDirection,
    MetricMode,
    Scale,
    SocialValueMode,
)

D = Decimal


def _criterion(method: Method, **settings: object) -> Criterion:
    return Criterion(key="c", name="C", weight=D(100), method=method, **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", list(Method))
def test_every_method_has_a_name_and_a_formula(method: Method) -> None:
    assert method_name(method)
    assert formula_in_words(_criterion(method)).endswith(".")


def test_relative_price_divides_the_lowest_price_by_the_bids() -> None:
    text = formula_in_words(_criterion(Method.PRICE_RELATIVE))
    assert text.startswith("The lowest eligible price divided by this bid's price")


def test_linear_price_names_where_points_run_out() -> None:
    text = formula_in_words(_criterion(Method.PRICE_LINEAR, zero_at_percent_above=D(25)))
    assert "no points at 25.00% above it" in text


def test_judgement_names_the_scale_and_the_quality_threshold() -> None:
    criterion = _criterion(Method.JUDGEMENT, scale=Scale(D(5)), minimum_score=D(2))
    text = formula_in_words(criterion)
    assert "from 0 to 5.00" in text
    assert "below 2.00 fails the quality threshold" in text


def test_judgement_without_a_threshold_says_nothing_of_one() -> None:
    text = formula_in_words(_criterion(Method.JUDGEMENT, scale=Scale(D(10))))
    assert "threshold" not in text


def test_a_linear_metric_gives_its_floor_and_target_in_its_unit() -> None:
    criterion = _criterion(
        Method.METRIC, metric_mode=MetricMode.LINEAR, floor=D(100), target=D(20), unit="tCO2e"
    )
    assert formula_in_words(criterion).startswith(
        "No points at 100.00 tCO2e and full points at 20.00 tCO2e"
    )


def test_a_percentage_metric_is_written_as_a_percentage() -> None:
    criterion = _criterion(
        Method.METRIC, metric_mode=MetricMode.LINEAR, floor=D(0), target=D(60), unit="%"
    )
    assert "full points at 60.00%" in formula_in_words(criterion)


def test_a_relative_metric_says_which_way_is_better() -> None:
    lower = _criterion(Method.METRIC, direction=MetricDirection.LOWER_IS_BETTER)
    higher = _criterion(Method.METRIC, direction=MetricDirection.HIGHER_IS_BETTER)
    assert "lower is better" in formula_in_words(lower)
    assert "higher is better" in formula_in_words(higher)


def test_social_value_names_its_measures_and_mode() -> None:
    relative = _criterion(Method.SOCIAL_VALUE_MEASURES, measures=("JOB-LOCAL", "APP-WEEK"))
    per_pound = _criterion(
        Method.SOCIAL_VALUE_MEASURES,
        measures=("JOB-LOCAL",),
        social_value_mode=SocialValueMode.PER_POUND,
    )
    assert "commitments to JOB-LOCAL and APP-WEEK" in formula_in_words(relative)
    assert "per pound of the bid's price" in formula_in_words(per_pound)
