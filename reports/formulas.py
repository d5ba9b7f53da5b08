"""Each scoring method's name and formula in plain English, as reports print them.

The wording follows docs/scoring.md; a criterion's own settings (the scale, the threshold,
the floor and target, the measures) are written into its formula.
"""

from decimal import Decimal

from scoring.criteria import Criterion, Method, MetricDirection, MetricMode, SocialValueMode
from scoring.presentation import listing, number, percent

METHOD_NAMES = {
    Method.PRICE_RELATIVE: "Price, relative to the lowest",
    Method.PRICE_LINEAR: "Price, on a sliding scale",
    Method.PRICE_PER_QUALITY_POINT: "Price per quality point",
    Method.JUDGEMENT: "Evaluators' judgement on a scale",
    Method.METRIC: "A number the bid states",
    Method.SOCIAL_VALUE_MEASURES: "Social value commitments at proxy values",
    Method.LOCAL_SUPPLIER: "Local supplier",
    Method.PASS_FAIL: "Pass or fail",
}


def method_name(method: Method) -> str:
    """The method's name in plain English."""
    return METHOD_NAMES[method]


def _amount(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "the stated value"
    if unit == "%":
        return percent(value)
    return f"{number(value)} {unit}".rstrip()


def _judgement(criterion: Criterion) -> str:
    maximum = number(criterion.scale.maximum) if criterion.scale else "the scale maximum"
    text = (
        f"Evaluators score the answer from 0 to {maximum}. The agreed (moderated) score, or "
        f"without one the mean of the evaluators' scores, divided by {maximum}, times the "
        "criterion's points."
    )
    if criterion.minimum_score is not None:
        text += (
            f" A score below {number(criterion.minimum_score)} fails the quality threshold and "
            "the bid is not ranked."
        )
    return text


def _metric(criterion: Criterion) -> str:
    if criterion.metric_mode is MetricMode.LINEAR:
        floor = _amount(criterion.floor, criterion.unit)
        target = _amount(criterion.target, criterion.unit)
        return (
            f"No points at {floor} and full points at {target}, in a straight line between "
            "them; answers beyond either end earn no points or full points."
        )
    if criterion.direction is MetricDirection.LOWER_IS_BETTER:
        return (
            "The lowest number stated by an eligible bid divided by this bid's number, times "
            "the criterion's points (lower is better; 0 is the best possible answer)."
        )
    return (
        "This bid's number divided by the highest number stated by an eligible bid, times "
        "the criterion's points (higher is better; answers below 0 count as 0)."
    )


def _social_value(criterion: Criterion) -> str:
    measures = listing(list(criterion.measures)) or "the measures the tender asks for"
    total = (
        f"The bid's social value is the sum of its commitments to {measures}, each quantity "
        "times the measure's proxy value per unit."
    )
    if criterion.social_value_mode is SocialValueMode.PER_POUND:
        return (
            f"{total} That total per pound of the bid's price, divided by the highest among "
            "the eligible bids, times the criterion's points."
        )
    return (
        f"{total} That total divided by the highest total among the eligible bids, times the "
        "criterion's points."
    )


def formula_in_words(criterion: Criterion) -> str:
    """How the criterion's method turns a bid into points, in one or two sentences."""
    match criterion.method:
        case Method.PRICE_RELATIVE:
            return (
                "The lowest eligible price divided by this bid's price, times the criterion's "
                "points."
            )
        case Method.PRICE_LINEAR:
            above = (
                percent(criterion.zero_at_percent_above)
                if criterion.zero_at_percent_above is not None
                else "the stated percentage"
            )
            return (
                "Full points at the lowest eligible price, falling in a straight line to no "
                f"points at {above} above it."
            )
        case Method.PRICE_PER_QUALITY_POINT:
            return (
                "A bid's price divided by its quality points (its points from every group "
                "that is not price) is its price per quality point; the lowest among the "
                "eligible bids divided by this bid's, times the criterion's points."
            )
        case Method.JUDGEMENT:
            return _judgement(criterion)
        case Method.METRIC:
            return _metric(criterion)
        case Method.SOCIAL_VALUE_MEASURES:
            return _social_value(criterion)
        case Method.LOCAL_SUPPLIER:
            return (
                "Full points when the supplier's postcode is in the council's local area, "
                "otherwise none."
            )
        case Method.PASS_FAIL:
            return (
                "A pass earns the criterion's full points; a fail, or no answer, excludes the bid."
            )
