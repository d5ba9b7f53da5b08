"""Judgement: evaluators score a bid's answer on a scale."""

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import TypeVar

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import Criterion
from scoring.methods.base import NO_FLAGS, ZERO, Built, Reading, Scorer, Setting, clamp
from scoring.presentation import number
from scoring.results import Flag, FlagKind

NOT_YET_SCORED = "Not yet scored"
NOT_SCORED = Reading(None, None, NOT_YET_SCORED, (NOT_YET_SCORED,))
MODERATED = "Moderated score"
ONE_EVALUATOR = "Score of the one evaluator"

Read = tuple[Reading, tuple[Flag, ...]]
T = TypeVar("T")


def _same(reading: Reading) -> Reading:
    return reading


@cache
def _mean_text(count: int) -> str:
    return f"Mean of the {count} evaluators' scores"


class Judgement(Scorer):
    """`judgement`: evaluators' scores on the criterion's scale (0-5, 0-10, 0-100, or custom
    levels with descriptors).

    v is the moderated score where there is one, otherwise the mean of the evaluators'
    scores; normalised = v / M, with M the scale's maximum, held within 0 and 1. A bid nobody
    has scored yet earns 0 and says so. When v is below the criterion's `minimum_score` the
    bid fails the quality threshold and is not ranked (a bid not yet scored has not failed).
    Unmoderated scores at least `spread_threshold` scale points apart are flagged for
    moderation.
    """

    shares_readings = True

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> Read:
        """The moderated score, or the mean of the evaluators' scores."""
        return self.reader(criterion, catalogue, rules)(bid)

    def reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> Callable[[BidInput], Read]:
        """`read` for one criterion; it runs once per bid and criterion, so it is lean."""
        return self._reader(criterion, rules, _same)

    def scoring_reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
        build: Callable[[Reading], Built],
    ) -> Callable[[BidInput], tuple[Built, tuple[Flag, ...]]]:
        """Read and score at once: each distinct mean or moderated score is built once."""
        return self._reader(criterion, rules, build)

    def _reader(
        self, criterion: Criterion, rules: EvaluationRules, make: Callable[[Reading], T]
    ) -> Callable[[BidInput], tuple[T, tuple[Flag, ...]]]:
        key, threshold = criterion.key, rules.spread_threshold
        # Scores come from a short scale, so the same sums come up again and again: each is
        # divided, checked against the minimum and scored (by `make`) once. Sums are kept
        # by the number of scores, then by the sum: two lookups cost less than building and
        # hashing a (sum, count) key.
        means_by_count: dict[int, dict[Decimal, tuple[T, tuple[Flag, ...]]]] = {}
        moderated: dict[Decimal, tuple[T, tuple[Flag, ...]]] = {}
        spreads: dict[tuple[Decimal, Decimal], Flag] = {}
        not_scored = (make(NOT_SCORED), NO_FLAGS)

        def remember(value: Decimal, text: str) -> tuple[T, tuple[Flag, ...]]:
            reading, flags = _reading(criterion, value, text)
            return make(reading), flags

        def read(bid: BidInput) -> tuple[T, tuple[Flag, ...]]:
            value = bid.moderated_scores.get(key)
            if value is not None:
                found = moderated.get(value)
                if found is None:
                    found = moderated[value] = remember(value, MODERATED)
                return found
            scores = bid.judgement_scores.get(key)
            if not scores:
                return not_scored
            # Sorted, the lowest and highest are at the ends: cheaper than min() and max().
            values = sorted(scores)
            count = len(values)
            total = sum(values, ZERO)
            means = means_by_count.get(count)
            if means is None:
                means = means_by_count[count] = {}
            found = means.get(total)
            if found is None:
                text = ONE_EVALUATOR if count == 1 else _mean_text(count)
                found = means[total] = remember(total / count, text)
            low, high = values[0], values[-1]
            if high - low >= threshold and count > 1:
                flag = spreads.get((low, high))
                if flag is None:
                    flag = spreads[low, high] = _spread_flag(criterion, low, high, threshold)
                return found[0], (flag, *found[1])
            return found

        return read

    def normalise(
        self, criterion: Criterion, basis: Decimal | None, baseline: Decimal | None
    ) -> Decimal:
        """v / M, held within 0 and 1."""
        scale = criterion.scale
        if basis is None or scale is None or scale.maximum <= ZERO:
            return ZERO
        return clamp(basis / scale.maximum)

    def explain(
        self, setting: Setting, reading: Reading, normalised: Decimal, weighted_text: str
    ) -> str:
        """`Mean of the 3 evaluators' scores 3.67 / scale maximum 5.00 x 20.00 = 14.67 points.`"""
        scale = setting.criterion.scale
        if reading.basis is None:
            return f"{reading.text}: {weighted_text} points."
        if scale is None or scale.maximum <= ZERO:
            return f"There is no scale to score against: {weighted_text} points."
        value = reading.basis
        label = next((f" ('{lv.label}')" for lv in scale.levels if lv.value == value), "")
        start = f"{reading.text} {number(value)}{label}"
        maximum = number(scale.maximum)
        if value > scale.maximum:
            return (
                f"{start} is above the scale maximum {maximum}: full marks, {weighted_text} points."
            )
        if value < ZERO:
            return f"{start} is below 0: {weighted_text} points."
        return (
            f"{start} / scale maximum {maximum} x {setting.max_points_text} = "
            f"{weighted_text} points."
        )


def _reading(criterion: Criterion, value: Decimal, text: str) -> Read:
    minimum = criterion.minimum_score
    if minimum is None or value >= minimum:
        return Reading(value, value, text), NO_FLAGS
    flag = Flag(
        FlagKind.THRESHOLD_FAILED,
        f"'{criterion.name}' scored {number(value)}, below the minimum of {number(minimum)}: "
        "the bid fails the quality threshold.",
        criterion.key,
    )
    return Reading(value, value, text), (flag,)


def _spread_flag(criterion: Criterion, low: Decimal, high: Decimal, threshold: Decimal) -> Flag:
    return Flag(
        FlagKind.EVALUATOR_SPREAD,
        f"Evaluators' scores for '{criterion.name}' range from {number(low)} to {number(high)}, "
        f"{number(high - low)} scale points apart (the threshold is {number(threshold)}): "
        "moderate this score.",
        criterion.key,
    )
