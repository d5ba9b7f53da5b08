"""The scoring engine: a criteria tree and bids in, scored, flagged and ranked bids out."""

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from operator import attrgetter, itemgetter
from typing import Any

from scoring.bids import BidInput, EvaluationRules, ProxyValue
from scoring.criteria import SOCIAL_VALUE_SHARE, CriteriaTree, Criterion, Group, GroupKind, Method
from scoring.methods import PricePerQualityPoint, Reading, Scorer, Setting, new_scorers
from scoring.methods.base import HUNDRED, ZERO, Built
from scoring.methods.social_value import unasked_claims
from scoring.presentation import money, percent, points
from scoring.ranking import Standing, ranked, tie_clusters, tie_message
from scoring.results import (
    DISQUALIFYING,
    CriterionScore,
    EvaluationResult,
    Flag,
    FlagKind,
    bid_result,
    criterion_score,
    group_score,
)

# One context for a whole evaluation, whatever the caller's: 28 significant digits, and a
# trap on anything that would otherwise turn silently into NaN or infinity.
CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

# Abnormally low prices are judged against the mean of at least this many other eligible
# bids: a "mean" of one other price says little about the market.
ABNORMALLY_LOW_MINIMUM_OTHERS = 2

_first, _second, _weighted = itemgetter(0), itemgetter(1), attrgetter("weighted")


def max_points(group: Group, criterion: Criterion) -> Decimal:
    """A criterion's share of the 100 points: group weight x criterion weight / 100."""
    return group.weight * criterion.weight / HUNDRED


def counts_as_quality(group: Group, criterion: Criterion) -> bool:
    """Whether a criterion's points are quality points for `price_per_quality_point`."""
    return (
        group.kind is not GroupKind.PRICE and criterion.method is not Method.PRICE_PER_QUALITY_POINT
    )


def evaluate(
    tree: CriteriaTree,
    bids: Sequence[BidInput],
    catalogue: Mapping[str, ProxyValue],
    rules: EvaluationRules,
) -> EvaluationResult:
    """Score every bid on every criterion, flag what needs a look, and rank the eligible bids."""
    with localcontext(CONTEXT), paused_collection():
        return _Evaluation(tree, tuple(bids), catalogue, rules).run()


@contextmanager
def paused_collection() -> Iterator[None]:
    """Hold Python's cycle collector off while the engine runs.

    The engine builds tens of thousands of small objects and no reference cycles, so the
    collector has nothing to find, yet its full passes would walk every object the caller
    holds (all the bids) again and again, which costs more than the scoring. Memory is freed
    as usual by reference counting; the collector resumes, if it was on, when the engine
    returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Column:
    """One criterion scored for every bid, in bid order."""

    __slots__ = ("scores", "texts", "weighted")

    def __init__(self, built: list[Built]) -> None:
        self.scores: list[CriterionScore] = list(map(_first, built))
        self.texts: list[str] = list(map(_second, built))  # as the explanations print them
        self.weighted: list[Decimal] = list(map(_weighted, self.scores))


class _Evaluation:
    """One run of the engine over columns: one list per criterion, one entry per bid."""

    def __init__(
        self,
        tree: CriteriaTree,
        bids: tuple[BidInput, ...],
        catalogue: Mapping[str, ProxyValue],
        rules: EvaluationRules,
    ) -> None:
        self.tree = tree
        self.entries = tree.criteria()
        self.bids = bids
        self.catalogue = catalogue
        self.rules = rules
        self.scorers = new_scorers()
        self.flags: list[list[Flag]] = [_bid_exclusions(bid) for bid in bids]

    def run(self) -> EvaluationResult:
        entries, scorers = self.entries, self.scorers
        # Criteria that compare no bids are scored as they are read. Those that compare bids
        # wait for every bid to be read, since only then is it known which bids are eligible
        # and so which bid sets the baseline. Price per quality point comes last of all: it
        # needs every other criterion's points.
        absolute, relative, last = [], [], []
        for i, (_, criterion) in enumerate(entries):
            if criterion.method is Method.PRICE_PER_QUALITY_POINT:
                last.append(i)
            elif scorers[criterion.method].is_relative(criterion):
                relative.append(i)
            else:
                absolute.append(i)
        built, readings = self._read(absolute, relative)
        self._note_unasked_claims(readings)
        eligible = [not any(f.kind in DISQUALIFYING for f in flags) for flags in self.flags]
        columns = {i: _Column(built[i]) for i in absolute}
        for i in relative:
            group, criterion = entries[i]
            columns[i] = _score(group, criterion, scorers[criterion.method], readings[i], eligible)
        if last:
            quality = self._quality_points(columns)
            scorer = scorers[Method.PRICE_PER_QUALITY_POINT]
            assert isinstance(scorer, PricePerQualityPoint)
            column = [
                scorer.read_quality(bid.price, q) for bid, q in zip(self.bids, quality, strict=True)
            ]
            for i in last:
                group, criterion = entries[i]
                columns[i] = _score(group, criterion, scorer, column, eligible)
        return self._assemble([columns[i] for i in range(len(entries))], eligible)

    def _read(
        self, absolute: list[int], relative: list[int]
    ) -> tuple[dict[int, list[Built]], dict[int, list[Reading]]]:
        """Read every bid, bid by bid (a bid's data is then read while it is still in the
        processor's cache): scoring the criteria that compare no bids, and keeping readings
        for those that do."""
        catalogue, rules, flags = self.catalogue, self.rules, self.flags
        built: dict[int, list[Built]] = {i: [] for i in absolute}
        readings: dict[int, list[Reading]] = {i: [] for i in relative}
        readers: list[tuple[Callable[[BidInput], tuple[Any, tuple[Flag, ...]]], Any]] = []
        for i in sorted(absolute + relative):
            group, criterion = self.entries[i]
            scorer = self.scorers[criterion.method]
            if i in built:
                build = _builder(group, criterion, scorer, None)
                reader = scorer.scoring_reader(criterion, catalogue, rules, build)
                readers.append((reader, built[i].append))
            else:
                readers.append((scorer.reader(criterion, catalogue, rules), readings[i].append))
        for position, bid in enumerate(self.bids):
            for read, keep in readers:
                item, raised = read(bid)
                if raised:
                    flags[position].extend(raised)
                keep(item)
        return built, readings

    def _note_unasked_claims(self, readings: dict[int, list[Reading]]) -> None:
        """Put notes for claims no criterion asked for on the first social value criterion."""
        asking = [
            i
            for i, (_, criterion) in enumerate(self.entries)
            if criterion.method is Method.SOCIAL_VALUE_MEASURES
        ]
        if not asking:
            return
        asked = frozenset(code for i in asking for code in self.entries[i][1].measures)
        column = readings[asking[0]]
        for position, bid in enumerate(self.bids):
            notes = unasked_claims(bid, asked)
            if notes:
                reading = column[position]
                column[position] = reading._replace(notes=notes + reading.notes)

    def _quality_points(self, columns: dict[int, _Column]) -> list[Decimal]:
        quality = [ZERO] * len(self.bids)
        for i, (group, criterion) in enumerate(self.entries):
            if counts_as_quality(group, criterion):
                quality = [q + w for q, w in zip(quality, columns[i].weighted, strict=True)]
        return quality

    def _assemble(self, columns: list[_Column], eligible: list[bool]) -> EvaluationResult:
        bids, rules, flags = self.bids, self.rules, self.flags
        groups = _GroupSums(self.tree, columns, len(bids))
        for position, flag in enumerate(_abnormally_low(bids, eligible, rules)):
            if flag is not None:
                flags[position].append(flag)
        standings = [
            Standing(
                bid.bid_id,
                bid.supplier_name,
                groups.totals[position],
                groups.quality[position],
                groups.social_value[position],
                bid.price,
                bid.submitted_at,
            )
            for position, bid in enumerate(bids)
        ]
        tie_break = rules.tie_break
        order = ranked(standings, tie_break)
        ranks = [position for position in order if eligible[position]]
        ties = tie_clusters([standings[p] for p in ranks], rules.tie_tolerance)
        position_of = {standings[p].bid_id: p for p in ranks}
        for cluster in ties:
            flag = Flag(FlagKind.TIE, tie_message(cluster, tie_break, rules.tie_tolerance))
            for standing in cluster:
                flags[position_of[standing.bid_id]].append(flag)

        rows = list(zip(*(column.scores for column in columns), strict=True))
        results = []
        for rank, position in enumerate(ranks + [p for p in order if not eligible[p]], 1):
            bid = bids[position]
            explanation = groups.explanations[position]
            if not eligible[position]:
                reason = next(f.message for f in flags[position] if f.kind in DISQUALIFYING)
                explanation = f"{explanation} Not ranked. {reason}"
            results.append(
                bid_result(
                    bid.bid_id,
                    bid.supplier_name,
                    bid.price,
                    rows[position] if rows else (),
                    groups.scores[position],
                    groups.totals[position],
                    rank if eligible[position] else None,
                    eligible[position],
                    tuple(flags[position]),
                    explanation,
                )
            )
        return EvaluationResult(
            bids=tuple(results),
            winner_id=bids[ranks[0]].bid_id if ranks else None,
            ties=tuple(tuple(s.bid_id for s in cluster) for cluster in ties),
        )


class _GroupSums:
    """Each bid's group points and total, added up in tree order at full precision, with
    their sentences; worked out group by group, for all bids at once."""

    def __init__(self, tree: CriteriaTree, columns: list[_Column], count: int) -> None:
        self.points: list[list[Decimal]] = []  # per group, per bid
        group_scores = []
        named = []
        start = 0
        for group in tree.groups:
            span = columns[start : start + len(group.criteria)]
            start += len(group.criteria)
            if span:
                totals = [sum(row, ZERO) for row in zip(*(c.weighted for c in span), strict=True)]
            else:
                totals = [ZERO] * count
            shown = [points(total) for total in totals]
            if len(span) > 1:
                parts = zip(*(c.texts for c in span), strict=True)
                sums = [f"{' + '.join(p)} = {s}" for p, s in zip(parts, shown, strict=True)]
            else:
                sums = shown
            name, key, kind, weight = group.name, group.key, group.kind, group.weight
            out_of = f" of {points(weight)} points."
            group_scores.append(
                [
                    group_score(key, name, kind, total, weight, f"{name}: {text}{out_of}")
                    for total, text in zip(totals, sums, strict=True)
                ]
            )
            named.append([f"{name} {text}" for text in shown])
            self.points.append(totals)
        self.scores = list(zip(*group_scores, strict=True)) if group_scores else [()] * count
        self.totals = _add(self.points, count)
        self.explanations = (
            [
                f"Total {points(total)} out of 100: {' + '.join(parts)}."
                for total, parts in zip(self.totals, zip(*named, strict=True), strict=True)
            ]
            if named
            else [f"Total {points(ZERO)} out of 100." for _ in range(count)]
        )
        self.quality = _add(
            [
                p
                for g, p in zip(tree.groups, self.points, strict=True)
                if g.kind is GroupKind.QUALITY
            ],
            count,
        )
        self.social_value = _add(
            [
                p
                for g, p in zip(tree.groups, self.points, strict=True)
                if g.kind in SOCIAL_VALUE_SHARE
            ],
            count,
        )


def _add(columns: list[list[Decimal]], count: int) -> list[Decimal]:
    if not columns:
        return [ZERO] * count
    return [sum(row, ZERO) for row in zip(*columns, strict=True)]


def _bid_exclusions(bid: BidInput) -> list[Flag]:
    flags = []
    if bid.excluded_reason:
        flags.append(Flag(FlagKind.EXCLUDED, f"Excluded: {bid.excluded_reason}"))
    if bid.price <= ZERO:
        flags.append(
            Flag(FlagKind.EXCLUDED, f"Excluded: a price of {money(bid.price)} cannot be scored.")
        )
    return flags


def _builder(
    group: Group, criterion: Criterion, scorer: Scorer, baseline: Decimal | None
) -> Callable[[Reading], Built]:
    """Turns one reading into its score and the score's text, for one criterion."""
    most = max_points(group, criterion)
    setting = Setting(criterion, most, points(most), baseline, "", "")
    if baseline is not None:
        setting = Setting(
            criterion,
            most,
            setting.max_points_text,
            baseline,
            scorer.baseline_text(criterion, baseline),
            scorer.baseline_number(criterion, baseline),
        )
    normalise, explain = scorer.normaliser(criterion, baseline), scorer.explainer(setting)
    key, name, group_key, method = criterion.key, criterion.name, group.key, criterion.method

    def build(reading: Reading) -> Built:
        normalised = normalise(reading.basis)
        weighted = normalised * most
        text = points(weighted)
        explanation = explain(reading, normalised, text)
        score = criterion_score(
            key,
            name,
            group_key,
            method,
            reading.raw,
            normalised,
            weighted,
            most,
            explanation,
            reading.notes,
        )
        return score, text

    return build


def _score(
    group: Group,
    criterion: Criterion,
    scorer: Scorer,
    readings: list[Reading],
    eligible: list[bool],
) -> _Column:
    """Score one criterion that compares bids, against the best eligible bid's basis."""
    baseline = None
    if scorer.is_relative(criterion):
        bases = [
            r.basis for r, ok in zip(readings, eligible, strict=True) if ok and r.basis is not None
        ]
        baseline = scorer.baseline(criterion, bases)
    build = _builder(group, criterion, scorer, baseline)
    if not scorer.shares_readings:
        return _Column(list(map(build, readings)))
    built: dict[Reading, Built] = {}
    column = []
    for reading in readings:
        found = built.get(reading)
        if found is None:
            found = built[reading] = build(reading)
        column.append(found)
    return _Column(column)


def _abnormally_low(
    bids: Sequence[BidInput], eligible: list[bool], rules: EvaluationRules
) -> list[Flag | None]:
    """Flag eligible bids priced more than the stated % below the mean of the other eligible
    bids (needing at least two others). Never a reason to exclude."""
    prices = [bid.price for bid, ok in zip(bids, eligible, strict=True) if ok]
    others = len(prices) - 1
    found: list[Flag | None] = [None] * len(bids)
    if others < ABNORMALLY_LOW_MINIMUM_OTHERS:
        return found
    everything = sum(prices, ZERO)
    factor = (HUNDRED - rules.abnormally_low_percent) / HUNDRED
    for position, bid in enumerate(bids):
        if not eligible[position]:
            continue
        mean = (everything - bid.price) / others
        if bid.price < mean * factor:
            below = (mean - bid.price) * HUNDRED / mean
            found[position] = Flag(
                FlagKind.ABNORMALLY_LOW_PRICE,
                f"Price {money(bid.price)} is {percent(below)} below the mean "
                f"{money(mean)} of the other {others} eligible bids, more than the "
                f"{percent(rules.abnormally_low_percent)} threshold: ask the supplier to "
                "explain it.",
            )
    return found
