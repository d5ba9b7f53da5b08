"""Price methods: relative to the lowest price, linear from the lowest price, and price per
quality point."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import Criterion
from scoring.methods.base import (
    HUNDRED,
    NO_FLAGS,
    ONE,
    ZERO,
    Reading,
    RelativeScorer,
    Setting,
    clamp,
)
from scoring.presentation import money, number, percent
from scoring.results import Flag

Normaliser = Callable[[Decimal | None], Decimal]
Explainer = Callable[[Reading, Decimal, str], str]


def _nothing(basis: Decimal | None) -> Decimal:
    return ZERO


def _unscorable(setting: Setting, reading: Reading, weighted_text: str) -> str | None:
    """The sentence for a price that cannot be scored, or None when it can."""
    if reading.basis is None:
        return f"A price of {money(reading.raw or ZERO)} cannot be scored: {weighted_text} points."
    if setting.baseline is None:
        return (
            f"No eligible bid to compare this bid's {money(reading.basis)} with: "
            f"{weighted_text} points."
        )
    return None


class PriceScorer(RelativeScorer):
    """Shared reading for methods that score the bid's price against the lowest price."""

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """The bid's price; a price of £0.00 or less has nothing to score."""
        return Reading(bid.price, self.basis(criterion, bid.price, bid.price)), NO_FLAGS

    def basis(self, criterion: Criterion, raw: Decimal | None, price: Decimal) -> Decimal | None:
        """The price itself, when it is more than £0.00."""
        return raw if raw is not None and raw > ZERO else None

    def baseline_text(self, criterion: Criterion, baseline: Decimal) -> str:
        """The lowest price in pounds."""
        return money(baseline)


class PriceRelative(PriceScorer):
    """`price_relative`, the common UK method: score = lowest price / this price x points.

    normalised = L / p, where L is the lowest price among the eligible bids and p this bid's
    price. The lowest price earns full marks; a price twice the lowest earns half. An
    ineligible bid cheaper than L is capped at full marks.
    """

    def normaliser(self, criterion: Criterion, baseline: Decimal | None) -> Normaliser:
        """L / p, capped at 1."""
        if baseline is None:
            return _nothing

        def normalised(basis: Decimal | None) -> Decimal:
            if basis is None:
                return ZERO
            return ONE if basis <= baseline else baseline / basis

        return normalised

    def explainer(self, setting: Setting) -> Explainer:
        """`Lowest price £10,000.00 / this bid £15,000.00 x 40.00 = 26.67 points.`"""
        baseline = setting.baseline
        formula = f"{setting.baseline_text} / this bid "
        full = f"Lowest price {formula}"
        capped = f"Lowest eligible price {formula}"
        times = f" x {setting.max_points_text} = "
        over = f" x {setting.max_points_text} is more than full marks, so "

        def explain(reading: Reading, normalised: Decimal, weighted_text: str) -> str:
            basis = reading.basis
            if basis is None or baseline is None:
                return _unscorable(setting, reading, weighted_text) or ""
            if basis < baseline:
                return f"{capped}{money(basis)}{over}{weighted_text} points."
            return f"{full}{money(basis)}{times}{weighted_text} points."

        return explain


class PriceLinear(PriceScorer):
    """`price_linear`: full marks at the lowest price, falling in a straight line to nothing at
    a stated percentage above it.

    With L the lowest eligible price, p this price and z the criterion's
    `zero_at_percent_above`: a = (p - L) / L x 100 is how far, in percent, this price is
    above L, and normalised = max(0, 1 - a / z). A price below L (an ineligible bid) earns
    full marks. A tree without z fails validation; were it scored, only L would earn marks.
    """

    def normaliser(self, criterion: Criterion, baseline: Decimal | None) -> Normaliser:
        """1 - a / z, held within 0 and 1."""
        if baseline is None:
            return _nothing
        zero_at = criterion.zero_at_percent_above

        def normalised(basis: Decimal | None) -> Decimal:
            if basis is None:
                return ZERO
            if zero_at is None or zero_at <= ZERO:
                return ONE if basis <= baseline else ZERO
            return clamp(ONE - _percent_above(basis, baseline) / zero_at)

        return normalised

    def explainer(self, setting: Setting) -> Explainer:
        """`Lowest price £10,000.00; this bid £11,000.00 is 10.00% above it: (1 - 10.00% /
        25.00%) x 40.00 = 24.00 points.`"""
        baseline = setting.baseline
        zero_at = setting.criterion.zero_at_percent_above or ZERO
        limit = percent(zero_at)
        lowest = setting.baseline_text

        def explain(reading: Reading, normalised: Decimal, weighted_text: str) -> str:
            basis = reading.basis
            if basis is None or baseline is None:
                return _unscorable(setting, reading, weighted_text) or ""
            price = money(basis)
            if basis < baseline:
                return (
                    f"This bid's {price} is below the lowest eligible price {lowest}: full "
                    f"marks, {weighted_text} points."
                )
            above = _percent_above(basis, baseline)
            start = f"Lowest price {lowest}; this bid {price} is {percent(above)} above it"
            if above >= zero_at:
                return (
                    f"{start}, at or beyond the {limit} at which a price scores nothing: "
                    f"{weighted_text} points."
                )
            return (
                f"{start}: (1 - {percent(above)} / {limit}) x {setting.max_points_text} = "
                f"{weighted_text} points."
            )

        return explain


def _percent_above(price: Decimal, lowest: Decimal) -> Decimal:
    return (price - lowest) * HUNDRED / lowest


def price_per_quality_point(price: Decimal, quality_points: Decimal) -> Decimal | None:
    """The price divided by the quality points, or None when either is not above 0."""
    if price <= ZERO or quality_points <= ZERO:
        return None
    return price / quality_points


class PricePerQualityPoint(RelativeScorer):
    """`price_per_quality_point`: its own award model, which ranks bids by what each quality
    point costs.

    Quality points Q are the bid's weighted points from every group that is not a price group
    (quality, social value, localism, environment and the rest). With r = p / Q this bid's
    price per quality point and R the lowest r among the eligible bids, normalised = R / r.
    A bid without quality points (Q = 0) has no price per quality point and scores 0. The
    criterion must sit in a price group, or its own points would feed its own Q.
    """

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """Not used: the engine reads this method with `read_quality` once Q is known."""
        raise TypeError("price_per_quality_point is read with read_quality")

    def read_quality(self, price: Decimal, quality_points: Decimal) -> Reading:
        """The bid's price per quality point, once its quality points are known."""
        ratio = price_per_quality_point(price, quality_points)
        if ratio is None:
            if price <= ZERO:
                return Reading(None, None, f"A price of {money(price)} cannot be scored")
            note = "No quality points, so no price per quality point"
            return Reading(None, None, note, (note,))
        return Reading(ratio, ratio, f"{money(price)} / {number(quality_points)} quality points")

    def normaliser(self, criterion: Criterion, baseline: Decimal | None) -> Normaliser:
        """R / r, capped at 1."""
        if baseline is None:
            return _nothing
        return lambda basis: ZERO if basis is None else clamp(baseline / basis)

    def baseline_text(self, criterion: Criterion, baseline: Decimal) -> str:
        """The lowest price per quality point in pounds."""
        return money(baseline)

    def explain(
        self, setting: Setting, reading: Reading, normalised: Decimal, weighted_text: str
    ) -> str:
        """`Price per quality point: lowest £200.00 / this bid £250.00 (£15,000.00 / 60.00
        quality points) x 40.00 = 32.00 points.`"""
        if reading.basis is None:
            return f"{reading.text}: {weighted_text} points."
        if setting.baseline is None:
            return (
                f"No eligible bid to compare this bid's {money(reading.basis)} per quality "
                f"point with: {weighted_text} points."
            )
        return (
            f"Price per quality point: lowest {setting.baseline_text} / this bid "
            f"{money(reading.basis)} ({reading.text}) x {setting.max_points_text} = "
            f"{weighted_text} points."
        )
