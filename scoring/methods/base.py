"""What every scoring method provides, and the constants they share.

A method scores one criterion for every bid in three steps, so that the engine can compare
bids (relative methods) and the sensitivity analysis can re-score without re-reading bids:

1. `read` (or `reader`, its fast form) takes what one bid says (a price, evaluator scores,
   a stated number, commitments) and returns a `Reading`: the raw number, the *basis* the
   method scores, a fixed part of the explanation, notes, and any flags (threshold failed,
   excluded, evaluator spread);
2. `baseline` finds the best basis among the eligible bids, for methods that compare bids;
3. `normalise` turns a basis and the baseline into a share of the criterion's points (0 to 1),
   and `explain` writes the sentence with the computed numbers.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import Criterion
from scoring.presentation import number
from scoring.results import CriterionScore, Flag

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
NO_FLAGS: tuple[Flag, ...] = ()
# A criterion score, with its weighted points as the explanations print them.
Built = tuple[CriterionScore, str]


class Reading(NamedTuple):
    """What the method read from one bid, before comparing it with any other bid.

    Readings are hashable, and two equal readings of one criterion score the same, so the
    engine builds each distinct score once.
    """

    raw: Decimal | None
    basis: Decimal | None
    text: str = ""
    notes: tuple[str, ...] = ()
    basis_text: str = ""  # the basis as `text` already shows it, so as not to format it twice


@dataclass(frozen=True)
class Setting:
    """Per-criterion constants for writing explanations, worked out once per evaluation."""

    criterion: Criterion
    max_points: Decimal
    max_points_text: str
    baseline: Decimal | None
    baseline_text: str  # as the sentence names it: `£10,000.00`, `60.00 %`
    baseline_number: str = ""  # as the formula shows it: `10,000.00`, `60.00`


def clamp(value: Decimal) -> Decimal:
    """The value held within 0 and 1."""
    if value < ZERO:
        return ZERO
    if value > ONE:
        return ONE
    return value


class Scorer:
    """One scoring method. Subclasses document their formula in their docstring."""

    # Whether many bids tend to share a reading (a score on a short scale, a yes or a no), so
    # that scoring each distinct reading once pays for looking them up.
    shares_readings = False

    def is_relative(self, criterion: Criterion) -> bool:
        """Whether this criterion compares each bid with the best eligible bid."""
        return False

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """What one bid says for this criterion, and any flags it raises."""
        raise NotImplementedError

    def reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> Callable[[BidInput], tuple[Reading, tuple[Flag, ...]]]:
        """`read` for one criterion, as a function of the bid alone; the engine calls it for
        every bid, so methods with much to read override it with a leaner one."""
        read = self.read
        return lambda bid: read(criterion, bid, catalogue, rules)

    def scoring_reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
        build: Callable[[Reading], Built],
    ) -> Callable[[BidInput], tuple[Built, tuple[Flag, ...]]]:
        """For a criterion that compares no bids: read a bid and score it in one step, with
        `build` making the score from the reading. Readings many bids share are built once."""
        read = self.reader(criterion, catalogue, rules)
        if not self.shares_readings:

            def read_and_build(bid: BidInput) -> tuple[Built, tuple[Flag, ...]]:
                reading, flags = read(bid)
                return build(reading), flags

            return read_and_build
        built: dict[Reading, Built] = {}

        def read_and_share(bid: BidInput) -> tuple[Built, tuple[Flag, ...]]:
            reading, flags = read(bid)
            found = built.get(reading)
            if found is None:
                found = built[reading] = build(reading)
            return found, flags

        return read_and_share

    def basis(self, criterion: Criterion, raw: Decimal | None, price: Decimal) -> Decimal | None:
        """The number the method scores, from the raw number (and the price where needed)."""
        return raw

    def baseline(self, criterion: Criterion, bases: Sequence[Decimal]) -> Decimal | None:
        """The best basis among the eligible bids; None when the method compares nothing."""
        return None

    def normalise(
        self, criterion: Criterion, basis: Decimal | None, baseline: Decimal | None
    ) -> Decimal:
        """The share of the criterion's points earned, from 0 to 1."""
        return self.normaliser(criterion, baseline)(basis)

    def normaliser(
        self, criterion: Criterion, baseline: Decimal | None
    ) -> Callable[[Decimal | None], Decimal]:
        """`normalise` for one criterion and baseline, as a function of the basis alone.

        A method implements `normalise` or this; those scoring thousands of distinct numbers
        implement this, deciding once per criterion what `normalise` decides per bid.
        """
        normalise = type(self).normalise
        if normalise is Scorer.normalise:
            raise NotImplementedError
        return lambda basis: normalise(self, criterion, basis, baseline)

    def baseline_text(self, criterion: Criterion, baseline: Decimal) -> str:
        """The baseline as the explanations name it."""
        return ""

    def baseline_number(self, criterion: Criterion, baseline: Decimal) -> str:
        """The baseline as the explanations' formulas show it."""
        return number(baseline)

    def explain(
        self, setting: Setting, reading: Reading, normalised: Decimal, weighted_text: str
    ) -> str:
        """The sentence that shows how the score was reached."""
        return self.explainer(setting)(reading, normalised, weighted_text)

    def explainer(self, setting: Setting) -> Callable[[Reading, Decimal, str], str]:
        """`explain` for one criterion, as a function of the reading and the score alone.

        As with `normaliser`, a method implements `explain` or this.
        """
        explain = type(self).explain
        if explain is Scorer.explain:
            raise NotImplementedError
        return lambda reading, normalised, text: explain(self, setting, reading, normalised, text)


class RelativeScorer(Scorer):
    """A method that scores each bid against the best eligible bid's basis."""

    lower_is_better = True

    def is_relative(self, criterion: Criterion) -> bool:
        """Relative methods always compare bids."""
        return True

    def lower_wins(self, criterion: Criterion) -> bool:
        """Whether the lowest basis is the best one for this criterion."""
        return self.lower_is_better

    def baseline(self, criterion: Criterion, bases: Sequence[Decimal]) -> Decimal | None:
        """The lowest or highest basis among the eligible bids."""
        if not bases:
            return None
        return min(bases) if self.lower_wins(criterion) else max(bases)
