"""Metric: a number the bid states, such as % local spend or tonnes of CO2e saved."""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import Criterion, MetricDirection, MetricMode
from scoring.methods.base import NO_FLAGS, ONE, ZERO, Reading, RelativeScorer, Setting, clamp
from scoring.presentation import number
from scoring.results import Flag

Normaliser = Callable[[Decimal | None], Decimal]
Explainer = Callable[[Reading, Decimal, str], str]
NO_ANSWER = "No answer given"
UNANSWERED = Reading(None, None, NO_ANSWER, (NO_ANSWER,))
# Reading(...) goes through a Python-level __new__; this builds the same tuple directly.
_reading = tuple.__new__
# Module constants: looking up an enum member on its class is slow in Python 3.11.
RELATIVE, LINEAR = MetricMode.RELATIVE, MetricMode.LINEAR
LOWER_IS_BETTER = MetricDirection.LOWER_IS_BETTER


def _stated(criterion: Criterion, value: Decimal) -> str:
    return f"{number(value)} {criterion.unit}" if criterion.unit else number(value)


class Metric(RelativeScorer):
    """`metric`: a number the bid states, scored relative to the best bid or along a line.

    Relative, higher is better (% local spend): normalised = v / B, B the highest eligible
    answer. Relative, lower is better (tonnes of waste to landfill): normalised = B / v, B the
    lowest eligible answer; an answer of 0 is the best possible and earns full marks, and
    once some bid states 0 every other answer earns 0 (choose linear scoring when 0 is
    within reach). Relative scoring counts answers below 0 as 0; when no eligible bid states
    more than 0 on a higher-is-better metric, nobody earns marks.

    Linear: normalised = (v - F) / (T - F), held within 0 and 1, from the floor F (0 marks)
    to the target T (full marks); a target below the floor scores lower-is-better metrics.

    A bid that gives no answer earns 0 and says so.
    """

    def is_relative(self, criterion: Criterion) -> bool:
        """Only relative scoring compares bids."""
        return criterion.metric_mode is RELATIVE

    def lower_wins(self, criterion: Criterion) -> bool:
        """Whether the lowest answer is the best one."""
        return criterion.direction is LOWER_IS_BETTER

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """The stated number, if any."""
        return self.reader(criterion, catalogue, rules)(bid)

    def reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> Callable[[BidInput], tuple[Reading, tuple[Flag, ...]]]:
        """`read` for one criterion: the answer, and the basis it is scored on."""
        key, linear = criterion.key, criterion.metric_mode is LINEAR

        def read(bid: BidInput) -> tuple[Reading, tuple[Flag, ...]]:
            value = bid.metric_answers.get(key)
            if value is None:
                return UNANSWERED, NO_FLAGS
            # Relative scoring counts an answer below 0 as 0 (see `basis`).
            basis = value if linear or value > ZERO else ZERO
            return _reading(Reading, (value, basis, "", (), "")), NO_FLAGS

        return read

    def basis(self, criterion: Criterion, raw: Decimal | None, price: Decimal) -> Decimal | None:
        """The answer, counted as 0 when below 0 under relative scoring."""
        if raw is None or criterion.metric_mode is LINEAR:
            return raw
        return raw if raw > ZERO else ZERO

    def baseline(self, criterion: Criterion, bases: Sequence[Decimal]) -> Decimal | None:
        """The best eligible answer under relative scoring."""
        if not self.is_relative(criterion):
            return None
        return super().baseline(criterion, bases)

    def normaliser(self, criterion: Criterion, baseline: Decimal | None) -> Normaliser:
        """v / B, B / v or (v - F) / (T - F), held within 0 and 1."""
        if criterion.metric_mode is LINEAR:
            floor, target = criterion.floor, criterion.target
            if floor is None or target is None or floor == target:
                return _nothing
            span = target - floor
            return lambda v: ZERO if v is None else clamp((v - floor) / span)
        if baseline is None:
            return _nothing
        if self.lower_wins(criterion):
            return lambda v: ZERO if v is None else ONE if v <= baseline else baseline / v
        if baseline <= ZERO:
            return _nothing
        return lambda v: ZERO if v is None else ONE if v >= baseline else v / baseline

    def baseline_text(self, criterion: Criterion, baseline: Decimal) -> str:
        """The best answer with its unit."""
        return _stated(criterion, baseline)

    def explainer(self, setting: Setting) -> Explainer:
        """`Stated 45.00 %; best bid 60.00 %: 45.00 / 60.00 x 10.00 = 7.50 points.`"""
        criterion, baseline = setting.criterion, setting.baseline
        unit = f" {criterion.unit}" if criterion.unit else ""
        if criterion.metric_mode is LINEAR:
            return self._linear_explainer(setting, unit)
        lower = self.lower_wins(criterion)
        best = f"; best bid {setting.baseline_text}: "
        times = f" x {setting.max_points_text}"
        # The usual case (an answer above 0, a baseline above 0, within full marks) in one
        # piece: "Stated 45.00 %; best bid 60.00 %: 45.00 / 60.00 x 10.00 = 7.50 points."
        usual = baseline is not None and baseline > ZERO
        if lower:
            head, tail = f"{unit}{best}{setting.baseline_number} / ", f"{times} = "
        else:
            head, tail = f"{unit}{best}", f" / {setting.baseline_number}{times} = "

        def explain(reading: Reading, normalised: Decimal, weighted_text: str) -> str:
            raw, basis = reading.raw, reading.basis
            if usual and basis is raw and raw is not None and normalised < ONE:
                shown = number(raw)
                return f"Stated {shown}{head}{shown}{tail}{weighted_text} points."
            if raw is None or basis is None:
                return f"{reading.text}: {weighted_text} points."
            shown = number(raw)
            stated = f"Stated {shown}{unit}"
            if basis != raw:
                shown = number(basis)
                stated = f"{stated}, counted as {shown}"
            if baseline is None:
                return f"{stated}; no eligible bid to compare it with: {weighted_text} points."
            if lower:
                if basis == ZERO:
                    return f"{stated}, the best possible: full marks, {weighted_text} points."
                formula = f"{setting.baseline_number} / {shown}{times}"
                over = basis < baseline
            else:
                if baseline <= ZERO:
                    return f"{stated}; no eligible bid stated more than 0: {weighted_text} points."
                formula = f"{shown} / {setting.baseline_number}{times}"
                over = basis > baseline
            if over:
                return (
                    f"{stated}{best}{formula} is more than full marks, so {weighted_text} points."
                )
            return f"{stated}{best}{formula} = {weighted_text} points."

        return explain

    def _linear_explainer(self, setting: Setting, unit: str) -> Explainer:
        floor, target = setting.criterion.floor, setting.criterion.target
        if floor is None or target is None or floor == target:
            return lambda reading, normalised, weighted_text: (
                f"{reading.text or 'Stated ' + number(reading.raw or ZERO) + unit}; there is no "
                f"floor and target to score it on: {weighted_text} points."
            )
        low, high = number(floor), number(target)
        span = target - floor
        formula = f" - {low}) / ({high} - {low}) x {setting.max_points_text} = "

        def explain(reading: Reading, normalised: Decimal, weighted_text: str) -> str:
            value = reading.raw
            if value is None:
                return f"{reading.text}: {weighted_text} points."
            shown = number(value)
            fraction = (value - floor) / span
            if fraction >= ONE:
                return (
                    f"Stated {shown}{unit}, at or beyond the target {high}: full marks, "
                    f"{weighted_text} points."
                )
            if fraction <= ZERO:
                return (
                    f"Stated {shown}{unit}, at or short of the floor {low}: {weighted_text} points."
                )
            return (
                f"Stated {shown}{unit}; floor {low}, target {high}: ({shown}{formula}"
                f"{weighted_text} points."
            )

        return explain


def _nothing(basis: Decimal | None) -> Decimal:
    return ZERO
