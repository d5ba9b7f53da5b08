"""Social value measures: commitments valued at the catalogue's proxy values."""

from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import Criterion, SocialValueMode
from scoring.methods.base import NO_FLAGS, ONE, ZERO, Reading, RelativeScorer, Setting
from scoring.presentation import money, ratio
from scoring.presentation import number as _number
from scoring.results import Flag

PER_POUND = SocialValueMode.PER_POUND  # a module constant: enum lookups are slow in 3.11
NOTHING_COMMITTED = "No social value committed to the measures asked for"


def unasked_claims(bid: BidInput, asked: Collection[str]) -> tuple[str, ...]:
    """Notes for the bid's claims to measures no criterion of the tender asks for."""
    if all(c.measure_code in asked for c in bid.commitments):
        return ()
    return tuple(
        f"Claim for measure {code} ignored: the tender did not ask for it"
        for code in dict.fromkeys(c.measure_code for c in bid.commitments)
        if code not in asked
    )


class SocialValueMeasures(RelativeScorer):
    """`social_value_measures`: commitments (measure x quantity) valued at the catalogue's
    proxy value per unit.

    The bid's social value is S = sum of quantity x proxy value per unit, over its commitments
    to the measures this criterion asks for; a claim to a measure the tender did not ask for,
    or one without a proxy value in the catalogue, is ignored and the result says so.
    Relative: normalised = S / B, B the highest S among the eligible bids. Per pound:
    normalised = (S / p) / B, where p is the bid's price and B the highest S / p among the
    eligible bids. A total below 0 counts as 0; when no eligible bid commits any social value
    nobody earns marks.
    """

    lower_is_better = False

    def __init__(self) -> None:
        # The engine reads a bid's criteria one after another, so the commitments of the bid
        # last read, by measure, serve all of its social value criteria.
        self._last: tuple[BidInput | None, dict[str, list[Decimal]]] = (None, {})

    def _by_measure(self, bid: BidInput) -> dict[str, list[Decimal]]:
        last, found = self._last
        if last is not bid:
            found = {}
            for commitment in bid.commitments:
                found.setdefault(commitment.measure_code, []).append(commitment.quantity)
            self._last = (bid, found)
        return found

    def read(
        self,
        criterion: Criterion,
        bid: BidInput,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> tuple[Reading, tuple[Flag, ...]]:
        """The bid's total proxy value for the measures asked for, in the order asked."""
        return self.reader(criterion, catalogue, rules)(bid)

    def reader(
        self,
        criterion: Criterion,
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> Callable[[BidInput], tuple[Reading, tuple[Flag, ...]]]:
        """`read` for one criterion, with the measures' proxy values looked up once."""
        # (code, proxy value per unit or None, each item's text by quantity): quantities are
        # mostly round numbers that many bids share, so each item is written once.
        asked: list[tuple[str, Decimal | None, dict[Decimal, str]]] = []
        for code in criterion.measures:
            proxy = catalogue.get(code)
            asked.append((code, None if proxy is None else proxy.value_per_unit, {}))
        per_pound = criterion.social_value_mode is PER_POUND

        def read(bid: BidInput) -> tuple[Reading, tuple[Flag, ...]]:
            total = ZERO
            items: list[str] = []
            notes: tuple[str, ...] = ()
            committed = self._by_measure(bid)
            for code, unit, written in asked:
                claimed = committed.get(code)
                if claimed is None:
                    continue
                if unit is None:
                    notes += (f"Claim for measure {code} ignored: it has no proxy value",)
                    continue
                for quantity in claimed:
                    total += quantity * unit
                    item = written.get(quantity)
                    if item is None:
                        item = written[quantity] = f"{code} {_number(quantity)} x {money(unit)}"
                    items.append(item)
            counted = total if total > ZERO else ZERO
            if not per_pound:
                basis: Decimal | None = counted
            else:
                basis = counted / bid.price if bid.price > ZERO else None
            if not items:
                return Reading(total, basis, NOTHING_COMMITTED, notes), NO_FLAGS
            text = f"Social value {' + '.join(items)} = {money(total)}"
            if basis is None or not per_pound:
                return Reading(total, basis, text, notes), NO_FLAGS
            shown = ratio(basis)
            text = f"{text}; / price {money(bid.price)} = {shown} per £1"
            return Reading(total, basis, text, notes, shown), NO_FLAGS

        return read

    def basis(self, criterion: Criterion, raw: Decimal | None, price: Decimal) -> Decimal | None:
        """S (or S / p per pound), counted as 0 when below 0."""
        if raw is None:
            return None
        total = raw if raw > ZERO else ZERO
        if criterion.social_value_mode is PER_POUND:
            return total / price if price > ZERO else None
        return total

    def baseline(self, criterion: Criterion, bases: Sequence[Decimal]) -> Decimal | None:
        """The highest eligible S, or S / p."""
        return max(bases) if bases else None

    def normaliser(
        self, criterion: Criterion, baseline: Decimal | None
    ) -> Callable[[Decimal | None], Decimal]:
        """S / B, or (S / p) / B, capped at 1."""
        if baseline is None or baseline <= ZERO:
            return lambda basis: ZERO
        return lambda v: ZERO if v is None else ONE if v >= baseline else v / baseline

    def baseline_text(self, criterion: Criterion, baseline: Decimal) -> str:
        """The best total in pounds, or the best value per pound."""
        if criterion.social_value_mode is PER_POUND:
            return f"{ratio(baseline)} per £1"
        return money(baseline)

    def baseline_number(self, criterion: Criterion, baseline: Decimal) -> str:
        """The best total, or the best value per pound to 4 places."""
        if criterion.social_value_mode is PER_POUND:
            return ratio(baseline)
        return _number(baseline)

    def explainer(self, setting: Setting) -> Callable[[Reading, Decimal, str], str]:
        """`Social value JOB-01 2.00 x £25,000.00 = £50,000.00; best bid £80,000.00: 50,000.00
        / 80,000.00 x 15.00 = 9.38 points.`"""
        baseline = setting.baseline
        best = f"; best bid {setting.baseline_text}: "
        tail = f" / {setting.baseline_number} x {setting.max_points_text}"

        def explain(reading: Reading, normalised: Decimal, weighted_text: str) -> str:
            basis = reading.basis
            if basis is None:
                return (
                    f"{reading.text}; a price of £0.00 or less cannot be scored: "
                    f"{weighted_text} points."
                )
            if reading.text == NOTHING_COMMITTED:
                return f"{NOTHING_COMMITTED}: {weighted_text} points."
            if baseline is None or baseline <= ZERO:
                return (
                    f"{reading.text}; no eligible bid committed any social value: "
                    f"{weighted_text} points."
                )
            formula = f"{reading.text}{best}{reading.basis_text or _number(basis)}{tail}"
            if basis > baseline:
                return f"{formula} is more than full marks, so {weighted_text} points."
            return f"{formula} = {weighted_text} points."

        return explain
