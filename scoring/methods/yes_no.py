"""Yes-or-no methods: whether the supplier is local, and pass/fail questions."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import Criterion
from scoring.methods.base import NO_FLAGS, ONE, ZERO, Reading, Scorer, Setting
from scoring.results import Flag, FlagKind

LOCAL = Reading(ONE, ONE, "Local supplier")
NOT_LOCAL = Reading(ZERO, ZERO, "Not a local supplier")


class YesNoScorer(Scorer):
    """Full marks for yes, nothing for no."""

    shares_readings = True

    def normalise(
        self, criterion: Criterion, basis: Decimal | None, baseline: Decimal | None
    ) -> Decimal:
        """1 for yes, 0 for no."""
        return ONE if basis == ONE else ZERO

    def explain(
        self, setting: Setting, reading: Reading, normalised: Decimal, weighted_text: str
    ) -> str:
        """`Local supplier: full marks, 5.00 points.`"""
        if normalised == ONE:
            return f"{reading.text}: full marks, {weighted_text} points."
        return f"{reading.text}: {weighted_text} points."


class LocalSupplier(YesNoScorer):
    """`local_supplier`: normalised = 1 when the supplier is local, otherwise 0.

    Whether a supplier is local comes from its postcode and the organisation's local area
    (postcode areas or districts); the service works it out and passes `is_local`.
    """

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """Whether the supplier is local."""
        return (LOCAL if bid.is_local else NOT_LOCAL), NO_FLAGS


def _question(criterion: Criterion) -> str:
    return criterion.question or criterion.name


class PassFail(YesNoScorer):
    """`pass_fail`: a yes-or-no condition, such as holding the required insurance.

    A pass earns the criterion's full points (normalised = 1), so that the weights still add
    up to 100 and every ranked bid gains the same points from it: it never changes the
    order. A fail, or no answer recorded, earns 0 and excludes the bid, giving the question
    as the reason.
    """

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """Whether the bid passed."""
        return self.reader(criterion, catalogue, rules)(bid)

    def reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> Callable[[BidInput], tuple[Reading, tuple[Flag, ...]]]:
        """`read` for one criterion: there are only three outcomes, each written once."""
        key, question = criterion.key, _question(criterion)
        passed = Reading(ONE, ONE, f"Passed '{question}'"), NO_FLAGS
        unanswered = _excluded(
            criterion,
            f"No answer recorded to '{question}'",
            f"Excluded: no pass/fail answer recorded to '{question}'.",
        )
        failed = _excluded(
            criterion,
            f"Failed '{question}'",
            f"Excluded: failed the pass/fail question '{question}'.",
        )

        def read(bid: BidInput) -> tuple[Reading, tuple[Flag, ...]]:
            answer = bid.pass_fail_answers.get(key)
            if answer:
                return passed
            return unanswered if answer is None else failed

        return read


def _excluded(criterion: Criterion, text: str, reason: str) -> tuple[Reading, tuple[Flag, ...]]:
    flag = Flag(FlagKind.EXCLUDED, reason, criterion.key)
    return Reading(ZERO, ZERO, f"{text}, so the bid is excluded"), (flag,)
