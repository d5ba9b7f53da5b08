"""How robust the winner is: weight intervals per group, and rank reversals.

Weight intervals. Move one group's weight to x (0 to 100%) and rescale the other groups in
proportion, so that they still add up to 100 - x. Every normalised score that compares bids
(lowest price, best answer) is unchanged by weights, so each bid's total is a straight line
in x: T(x) = x u + (100 - x) S / (100 - w), where w is the group's weight now, u the bid's
points in the group per percentage point of its weight, and S the bid's points from the other
groups now. The winner stays first while its line is on or above every other eligible bid's
line; the crossings give the interval exactly.

`price_per_quality_point` is the exception: its normalised score depends on the quality
points, which move with a non-price group's weight, and not in proportion across bids. For
such a group the totals are rational in x; the interval is then found exactly by walking the
pieces on which one bid sets the best price per quality point, solving on each a quadratic
for where another bid overtakes the winner.

Rank reversal. Removing a bid changes another bid's score only where the removed bid set a
baseline that others are scored against: the lowest price, the best answer, the best social
value, the lowest price per quality point. So only losing bids that alone hold some baseline
are re-scored without, and only on the criteria whose baseline they hold (plus price per
quality point, when quality points move). Flags such as an abnormally low price also change
when a bid goes, but flags never change the order.
"""

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from operator import attrgetter

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import SOCIAL_VALUE_SHARE, CriteriaTree, Criterion, Group, GroupKind, Method
from scoring.engine import CONTEXT, counts_as_quality, evaluate, max_points, paused_collection
from scoring.methods import SCORERS, Scorer
from scoring.methods.base import HUNDRED, ZERO
from scoring.methods.price import price_per_quality_point
from scoring.presentation import listing, percent, percent_at_least, percent_at_most, points
from scoring.ranking import Standing, best
from scoring.results import (
    BidResult,
    EvaluationResult,
    RankReversal,
    SensitivityResult,
    WeightInterval,
)

PPQP = Method.PRICE_PER_QUALITY_POINT
_points, _weighted, _raw = attrgetter("points"), attrgetter("weighted"), attrgetter("raw")
PRICE, QUALITY = GroupKind.PRICE, GroupKind.QUALITY
# Where quadratic roots are worked out, values this close to zero count as zero.
EPSILON = Decimal("1e-18")
# Bounds this close (in percentage points) to 0% or 100% are taken to be at it: where a
# crossing is a double root its digits are only half as good.
SNAP = Decimal("1e-9")

Bounds = tuple[Decimal, BidResult | None, Decimal, BidResult | None]


def analyse_sensitivity(
    tree: CriteriaTree,
    bids: Sequence[BidInput],
    catalogue: Mapping[str, ProxyValue],
    rules: EvaluationRules,
    result: EvaluationResult | None = None,
) -> SensitivityResult:
    """For each group, the weights within which the winner stays the winner; and whether
    removing any one losing bid would change the winner. Pass `result` when you already have
    `evaluate(tree, bids, catalogue, rules)`, to save working it out again."""
    if result is None:
        result = evaluate(tree, bids, catalogue, rules)
    with localcontext(CONTEXT), paused_collection():
        return _Analysis(tree, bids, rules, result).run()


class _Analysis:
    """The eligible bids in rank order (position 0 is the winner), held as columns."""

    def __init__(
        self,
        tree: CriteriaTree,
        bids: Sequence[BidInput],
        rules: EvaluationRules,
        result: EvaluationResult,
    ) -> None:
        self.tree = tree
        self.rules = rules
        self.submitted = {bid.bid_id: bid.submitted_at for bid in bids}
        self.entries = tree.criteria()
        self.has_ppqp = any(c.method is PPQP for _, c in self.entries)
        self.ranked = [r for r in result.bids if r.rank is not None]
        self.totals = [r.total for r in self.ranked]
        groups = tree.groups
        # Columns: per criterion, each bid's score; per group, each bid's points, and (for
        # price per quality point) the points of that award model and the quality points.
        self.columns = list(zip(*(r.criteria for r in self.ranked), strict=True))
        self.points = [
            list(map(_points, column))
            for column in zip(*(r.groups for r in self.ranked), strict=True)
        ]
        self.ppqp = [[ZERO] * len(self.ranked) for _ in groups]
        self.quality = [[ZERO] * len(self.ranked) for _ in groups]
        self.first = []  # the index of each group's first criterion
        index = 0
        for g, group in enumerate(groups):
            self.first.append(index)
            for criterion in group.criteria:
                if self.has_ppqp and self.ranked:
                    if criterion.method is PPQP:
                        self.ppqp[g] = _add(self.ppqp[g], self.weighted(index))
                    elif counts_as_quality(group, criterion):
                        self.quality[g] = _add(self.quality[g], self.weighted(index))
                index += 1
        self.winner = self.ranked[0] if self.ranked else None

    def weighted(self, index: int) -> list[Decimal]:
        """Each bid's weighted score on the criterion at `index`."""
        return list(map(_weighted, self.columns[index]))

    def standing(self, p: int, total: Decimal, quality: Decimal, social: Decimal) -> Standing:
        """What the tie-break looks at for the bid at position p."""
        r = self.ranked[p]
        return Standing(
            r.bid_id, r.supplier_name, total, quality, social, r.price, self.submitted[r.bid_id]
        )

    def run(self) -> SensitivityResult:
        if self.winner is None:
            return SensitivityResult(
                None, (), (), "No bid is eligible, so there is no winner to test."
            )
        intervals = tuple(self._interval(g) for g in range(len(self.tree.groups)))
        reversals, checked = self._reversals()
        return SensitivityResult(
            self.winner.bid_id, intervals, reversals, self._summary(reversals, checked)
        )

    # Weight intervals -----------------------------------------------------------------

    def _interval(self, g: int) -> WeightInterval:
        group = self.tree.groups[g]
        winner = self.winner
        assert winner is not None
        name = winner.supplier_name
        current = group.weight
        if current >= HUNDRED:
            return WeightInterval(
                group.key,
                group.name,
                current,
                current,
                current,
                f"{group.name} carries all the weight, so there are no other weights to rescale.",
            )
        if self.has_ppqp and group.kind is not PRICE:
            lower, lower_rival, upper, upper_rival = self._bounds_with_quality_points(g)
        else:
            lower, lower_rival, upper, upper_rival = self._linear_bounds(g)
        lower, upper = min(lower, current), max(upper, current)
        if lower <= ZERO and upper >= HUNDRED:
            text = (
                f"{name} stays the winner whatever the weight of {group.name}, from 0% to "
                f"100% (now {percent(current)}), with the other groups rescaled in proportion."
            )
        else:
            text = (
                f"{name} stays the winner for any weight of {group.name} between "
                f"{percent_at_least(lower)} and {percent_at_most(upper)} (now "
                f"{percent(current)}), with the other groups rescaled in proportion."
            )
            beyond = []
            if lower_rival is not None:
                beyond.append(
                    f"below {percent_at_least(lower)} {lower_rival.supplier_name} would win"
                )
            if upper_rival is not None:
                beyond.append(
                    f"above {percent_at_most(upper)} {upper_rival.supplier_name} would win"
                )
            said = "; ".join(beyond)
            text = f"{text} {said[:1].upper()}{said[1:]}."
        return WeightInterval(
            group.key,
            group.name,
            current,
            lower,
            upper,
            text,
            lower_rival.bid_id if lower_rival else None,
            upper_rival.bid_id if upper_rival else None,
        )

    def _per_weight(
        self, g: int, values: list[Decimal], counts: Callable[[Group, Criterion], bool]
    ) -> list[Decimal]:
        """Each bid's points in group g (from the criteria that `counts`) per percentage
        point of the group's weight."""
        group = self.tree.groups[g]
        if group.weight > ZERO:
            weight = group.weight
            return [value / weight for value in values]
        # A group of weight 0 holds no points to divide; its criteria still say what it
        # would earn.
        found = [ZERO] * len(self.ranked)
        for offset, criterion in enumerate(group.criteria):
            if counts(group, criterion):
                share = criterion.weight / HUNDRED
                index = self.first[g] + offset
                found = [
                    f + score.normalised * share
                    for f, score in zip(found, self.columns[index], strict=True)
                ]
        return found

    def _linear_bounds(self, g: int) -> Bounds:
        """Where another bid's straight line crosses the winner's, on each side."""
        rest = HUNDRED - self.tree.groups[g].weight
        per_weight = self._per_weight(g, self.points[g], _any)
        others = [(t - x) / rest for t, x in zip(self.totals, self.points[g], strict=True)]
        u_w, s_w = per_weight[0], others[0]
        lower, upper = ZERO, HUNDRED
        lower_rival: tuple[Decimal, int] | None = None
        upper_rival: tuple[Decimal, int] | None = None
        for p in range(1, len(self.ranked)):
            # D(x) = T_winner(x) - T_bid(x) = 100 ds + x (du - ds), and D(now) >= 0.
            ds = s_w - others[p]
            slope = u_w - per_weight[p] - ds
            if slope == ZERO:
                continue
            crossing = HUNDRED * ds / -slope
            # Where two rivals cross at the same point, the steeper one leads beyond it.
            if slope > ZERO:
                if crossing > lower or (
                    crossing == lower and (lower_rival is None or slope > lower_rival[0])
                ):
                    lower, lower_rival = crossing, (slope, p)
            elif crossing < upper or (
                crossing == upper and (upper_rival is None or slope < upper_rival[0])
            ):
                upper, upper_rival = crossing, (slope, p)
        return (
            max(lower, ZERO),
            self.ranked[lower_rival[1]] if lower_rival and lower > ZERO else None,
            min(upper, HUNDRED),
            self.ranked[upper_rival[1]] if upper_rival and upper < HUNDRED else None,
        )

    def _bounds_with_quality_points(self, g: int) -> Bounds:
        """The interval when price per quality point moves with this group's weight."""
        current = self.tree.groups[g].weight
        rest = HUNDRED - current
        count = len(self.ranked)
        # Each bid: T(x) = a + c x + M(x) v(x) / V(x), with v(x) = e + f x its quality points
        # per pound and V(x) the best v among the eligible bids.
        plain = [
            [p - q for p, q in zip(points, ppqp, strict=True)]
            for points, ppqp in zip(self.points, self.ppqp, strict=True)
        ]
        u = self._per_weight(g, plain[g], _not_ppqp)
        q_u = self._per_weight(g, self.quality[g], counts_as_quality)
        lines = []
        for p in range(count):
            s = (sum((column[p] for column in plain), ZERO) - plain[g][p]) / rest
            q_s = (sum((column[p] for column in self.quality), ZERO) - self.quality[g][p]) / rest
            price = self.ranked[p].price
            lines.append(
                _Line(HUNDRED * s, u[p] - s, HUNDRED * q_s / price, (q_u[p] - q_s) / price, p)
            )
        # M(x): the points price per quality point carries at x.
        m0 = m1 = ZERO
        for group, criterion in self.entries:
            if criterion.method is PPQP:
                if group is self.tree.groups[g]:
                    m1 += criterion.weight / HUNDRED
                else:
                    most = max_points(group, criterion)
                    m0 += HUNDRED * most / rest
                    m1 -= most / rest
        upper, upper_rival = _walk(lines, (m0, m1), current, HUNDRED)
        mirrored = [line.mirrored() for line in lines]
        lower, lower_rival = _walk(mirrored, (m0, -m1), -current, ZERO)
        lower = -lower if lower else ZERO
        return (
            lower,
            self.ranked[lower_rival] if lower_rival is not None and lower > ZERO else None,
            upper,
            self.ranked[upper_rival] if upper_rival is not None and upper < HUNDRED else None,
        )

    # Rank reversal ----------------------------------------------------------------------

    def _reversals(self) -> tuple[tuple[RankReversal, ...], list[BidResult]]:
        """Each losing bid whose removal would change the winner, and which were checked."""
        holds: dict[int, list[int]] = {}  # position -> criteria whose baseline it alone sets
        bases: dict[int, list[Decimal | None]] = {}
        prices = [r.price for r in self.ranked]
        for index, (_, criterion) in enumerate(self.entries):
            scorer = SCORERS[criterion.method]
            if not scorer.is_relative(criterion):
                continue
            basis = scorer.basis
            column = [
                basis(criterion, raw, price)
                for raw, price in zip(map(_raw, self.columns[index]), prices, strict=True)
            ]
            bases[index] = column
            baseline = scorer.baseline(criterion, [b for b in column if b is not None])
            holders = [p for p, b in enumerate(column) if b is not None and b == baseline]
            if len(holders) == 1 and holders[0] != 0:
                holds.setdefault(holders[0], []).append(index)
        reversals = []
        checked = []
        for position in sorted(holds):
            checked.append(self.ranked[position])
            reversal = self._without(position, holds[position], bases)
            if reversal is not None:
                reversals.append(reversal)
        return tuple(reversals), checked

    def _without(
        self, removed: int, held: list[int], bases: dict[int, list[Decimal | None]]
    ) -> RankReversal | None:
        """Re-score the criteria whose baseline the removed bid held, and find the winner.

        Only bids that could reach the winner's new total are re-scored: a bid can gain at
        most its headroom (max points less its points) on the re-scored criteria. Where
        price per quality point moves too, every bid is re-scored.
        """
        quality_moves = self.has_ppqp and any(
            self.entries[i][1].method is PPQP or counts_as_quality(*self.entries[i]) for i in held
        )
        normalisers = {
            index: self._normaliser_without(index, bases[index], removed)
            for index in held
            if self.entries[index][1].method is not PPQP
        }
        if quality_moves:
            positions = [p for p in range(len(self.ranked)) if p != removed]
        else:
            positions = self._in_reach(removed, held, bases, normalisers)
        totals = {p: self.totals[p] for p in positions}
        kinds: list[tuple[GroupKind, dict[int, Decimal]]] = []  # each change, for the tie-break
        for index, normalise in normalisers.items():
            changes = self._changes(index, bases[index], normalise, positions)
            kinds.append((self.entries[index][0].kind, changes))
        if quality_moves:
            quality = self._quality_points()
            for kind, changes in kinds:
                if kind is not PRICE:
                    quality = [q + changes.get(p, ZERO) for p, q in enumerate(quality)]
            column: list[Decimal | None] = [
                price_per_quality_point(r.price, q)
                for r, q in zip(self.ranked, quality, strict=True)
            ]
            for index, (_, criterion) in enumerate(self.entries):
                if criterion.method is PPQP:
                    normalise = self._normaliser_without(index, column, removed)
                    kinds.append((PRICE, self._changes(index, column, normalise, positions)))
        for _, changes in kinds:
            for p, change in changes.items():
                totals[p] += change
        most = max(totals.values())
        leaders = [p for p in positions if totals[p] == most]
        if len(leaders) > 1:  # the tie-break decides, on the re-scored points
            tied = [self._tied(p, most, kinds) for p in leaders]
            first = best(tied, self.rules.tie_break)
            assert first is not None
            leaders = [p for p in leaders if self.ranked[p].bid_id == first.bid_id]
        if leaders[0] == 0:
            return None
        winner, top, gone = self.ranked[0], self.ranked[leaders[0]], self.ranked[removed]
        named = [
            f"'{self.entries[i][1].name}'" for i in held if self.entries[i][1].method is not PPQP
        ]
        if any(self.entries[i][1].method is PPQP for i in held):
            named.append("price per quality point")
        return RankReversal(
            gone.bid_id,
            gone.supplier_name,
            top.bid_id,
            top.supplier_name,
            f"Without {gone.supplier_name}'s bid, {top.supplier_name} would win instead of "
            f"{winner.supplier_name}: {gone.supplier_name} set the baseline others are "
            f"scored against on {listing(named)}, and without it {top.supplier_name} scores "
            f"{points(most)} against {winner.supplier_name}'s {points(totals[0])}.",
        )

    def _in_reach(
        self,
        removed: int,
        held: list[int],
        bases: dict[int, list[Decimal | None]],
        normalisers: dict[int, Callable[[Decimal | None], Decimal]],
    ) -> list[int]:
        """The winner, and the bids whose total plus headroom reaches its new total.

        A bid's headroom is at most the re-scored criteria's max points (a score is 0 to 1
        of them), and totals fall in rank order: so bids are looked at from the top, and
        those below the first that full marks would not bring within reach are not.
        """
        winner_total = self.totals[0]
        most = [max_points(*self.entries[index]) for index in held]
        for index in held:
            winner_total += self._changes(index, bases[index], normalisers[index], [0])[0]
        reach = sum(most, ZERO)  # added up as each bid's headroom is, so never below it
        candidates: Iterable[int] = range(1, len(self.ranked))
        if all(m >= ZERO for m in most):  # a negative weight (an invalid tree) breaks the bound
            candidates = itertools.takewhile(
                lambda p: self.totals[p] + reach >= winner_total, candidates
            )
        found = [0]
        for p in candidates:
            if p == removed:
                continue
            headroom = ZERO
            for index, m in zip(held, most, strict=True):
                headroom = headroom + m - self.columns[index][p].weighted
            if self.totals[p] + headroom >= winner_total:
                found.append(p)
        return found

    def _quality_points(self) -> list[Decimal]:
        found = [ZERO] * len(self.ranked)
        for column in self.quality:
            found = _add(found, column)
        return found

    def _tied(
        self, p: int, total: Decimal, kinds: list[tuple[GroupKind, dict[int, Decimal]]]
    ) -> Standing:
        """The standing of a bid tied on the re-scored total, with its re-scored points."""
        r = self.ranked[p]
        quality = sum((g.points for g in r.groups if g.kind is QUALITY), ZERO)
        social = sum((g.points for g in r.groups if g.kind in SOCIAL_VALUE_SHARE), ZERO)
        for kind, changes in kinds:
            if kind is QUALITY:
                quality += changes.get(p, ZERO)
            elif kind in SOCIAL_VALUE_SHARE:
                social += changes.get(p, ZERO)
        return self.standing(p, total, quality, social)

    def _normaliser_without(
        self, index: int, column: list[Decimal | None], removed: int
    ) -> Callable[[Decimal | None], Decimal]:
        """`normalise` for one criterion against the baseline of the bids left once the
        removed bid has gone."""
        criterion = self.entries[index][1]
        scorer = _scorer(criterion)
        baseline = scorer.baseline(
            criterion, [b for p, b in enumerate(column) if p != removed and b is not None]
        )
        return scorer.normaliser(criterion, baseline)

    def _changes(
        self,
        index: int,
        column: list[Decimal | None],
        normalise: Callable[[Decimal | None], Decimal],
        positions: list[int],
    ) -> dict[int, Decimal]:
        """The change in the points of the bids at `positions` on one criterion, scored
        with `normalise`."""
        most = max_points(*self.entries[index])
        scores = self.columns[index]
        return {p: normalise(column[p]) * most - scores[p].weighted for p in positions}

    def _summary(self, reversals: tuple[RankReversal, ...], checked: list[BidResult]) -> str:
        winner = self.winner
        assert winner is not None
        name = winner.supplier_name
        if reversals:
            who = listing([r.removed_supplier_name for r in reversals])
            return (
                f"{name} wins, but removing one losing bid ({who}) would change the winner, "
                "because that bid sets a baseline other bids are scored against."
            )
        if not checked:
            return (
                f"{name} wins, and removing any one losing bid would not change that: no "
                "losing bid alone sets a baseline (lowest price, best answer) that other bids "
                "are scored against, so removing one changes no other bid's score."
            )
        who = listing([r.supplier_name for r in checked])
        return (
            f"{name} wins, and removing any one losing bid would not change that: "
            f"{who} alone set a baseline other bids are scored against, and re-scoring "
            f"without each of them still leaves {name} first; the other losing bids set no "
            "baseline, so removing them changes no other bid's score."
        )


def _add(left: list[Decimal], right: list[Decimal]) -> list[Decimal]:
    return [a + b for a, b in zip(left, right, strict=True)]


def _any(group: Group, criterion: Criterion) -> bool:
    return True


def _not_ppqp(group: Group, criterion: Criterion) -> bool:
    return criterion.method is not PPQP


def _scorer(criterion: Criterion) -> Scorer:
    return SCORERS[criterion.method]


@dataclass(frozen=True)
class _Line:
    """One bid's total as a function of x: a + c x + M(x) (e + f x) / V(x)."""

    a: Decimal
    c: Decimal
    e: Decimal
    f: Decimal
    position: int  # the bid's place in the ranking

    def mirrored(self) -> "_Line":
        """The same line in terms of -x, so that walking right walks left."""
        return _Line(self.a, -self.c, self.e, -self.f, self.position)

    def v(self, x: Decimal) -> Decimal:
        """Quality points per pound at x."""
        return self.e + self.f * x


def _walk(
    lines: list[_Line], m: tuple[Decimal, Decimal], start: Decimal, end: Decimal
) -> tuple[Decimal, int | None]:
    """From `start` towards larger x, the first x where a bid overtakes lines[0] (the winner),
    and which bid; `end` and None when none does."""
    m0, m1 = m
    win = lines[0]
    x = start
    while x < end:
        # The best v here; of lines that tie for it (to rounding), the steepest leads on.
        values = [line.v(x) for line in lines]
        highest = max(values)
        near = highest - abs(highest) * EPSILON
        top = max(
            (line for line, v in zip(lines, values, strict=True) if v >= near),
            key=lambda line: line.f,
        )
        # The best v stays with `top` until a steeper line overtakes it.
        piece_end = end
        for line in lines:
            if line.f > top.f:
                crossing = (top.e - line.e) / (line.f - top.f)
                if x < crossing < piece_end:
                    piece_end = crossing
        exit_at: Decimal | None = None
        rival: int | None = None
        for line in lines[1:]:
            da, dc = win.a - line.a, win.c - line.c
            de, df = win.e - line.e, win.f - line.f
            if top.v(x) <= ZERO and top.f <= ZERO:
                # Nobody has quality points here, so nobody scores on price per quality point.
                coefficients = (ZERO, dc, da)
            else:
                coefficients = (
                    dc * top.f + m1 * df,
                    da * top.f + dc * top.e + m0 * df + m1 * de,
                    da * top.e + m0 * de,
                )
            found = _first_exit(coefficients, x, piece_end)
            if found is not None and (exit_at is None or found < exit_at):
                exit_at, rival = found, line.position
        if exit_at is not None:
            if end - exit_at <= SNAP:
                # A crossing at the very end is the tie of all totals at 0% or 100% (for
                # example when no group but this one is left), found to rounding.
                return end, None
            return exit_at, rival
        x = piece_end
    return end, None


def _first_exit(
    coefficients: tuple[Decimal, Decimal, Decimal], start: Decimal, end: Decimal
) -> Decimal | None:
    """The first x in [start, end] after which a x^2 + b x + c turns negative, given that it
    is not negative at `start`; None if it stays at or above 0.

    Between neighbouring roots the sign cannot change, so the sign at each midpoint tells;
    a dip smaller than rounding (two roots a hair apart, where the line only touches) does
    not count.
    """
    a, b, c = coefficients
    scale = abs(a) * HUNDRED * HUNDRED + abs(b) * HUNDRED + abs(c)
    if scale == ZERO:
        return None
    tiny = scale * EPSILON
    roots = []
    if abs(a) <= tiny:
        if abs(b) > tiny:
            roots.append(-c / b)
    else:
        discriminant = b * b - 4 * a * c
        if discriminant >= ZERO:
            root = discriminant.sqrt()
            q = -(b + root) / 2 if b >= ZERO else -(b - root) / 2
            roots += [q / a] + ([c / q] if q != ZERO else [])
    edges = sorted({start, end, *(r for r in roots if start < r < end)})
    for left, right in itertools.pairwise(edges):
        middle = (left + right) / 2
        if (a * middle + b) * middle + c < -tiny:
            return left
    return None
