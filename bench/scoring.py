"""Times the scoring engine over a growing number of bids, and prints a results table.

Run it with `.venv/bin/python bench/scoring.py` (`--quick` for a smoke run). The trees and
bids are synthetic and built from a fixed seed, so every run scores the same inputs. Building
the inputs is not timed; scoring includes writing every explanation, and sensitivity times
`analyse_sensitivity` given the evaluation it analyses. Times are measured with
`time.perf_counter` over several runs per size.

The table gives the median run and the fastest. The target is judged on the fastest: on a
shared machine other processes only ever add time, so the fastest run is the closest to the
engine's own cost (the reasoning Python's `timeit` documents), while the median shows what a
busy machine makes of it.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.bids import BidInput, Commitment, EvaluationRules, ProxyValue
from scoring.criteria import (
    CriteriaTree,
    Criterion,
    Group,
    GroupKind,
    Method,
    MetricDirection,
    MetricMode,
    Scale,
    SocialValueMode,
)
from scoring.engine import evaluate
from scoring.sensitivity import analyse_sensitivity

TARGET_MS = 200.0
SIZES = (10, 100, 250, 500, 1000)
CRITERIA = 40
EVALUATORS = 5
SEED = 20260401
AGREEMENT = (-1,) + (0,) * 8 + (1,)
MEASURES = tuple(f"SV-{n:02d}" for n in range(1, 13))


def _weights(count: int) -> list[Decimal]:
    """`count` weights of two decimal places that add up to exactly 100."""
    each = (Decimal(100) / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return [each] * (count - 1) + [Decimal(100) - each * (count - 1)]


def build_tree() -> CriteriaTree:
    """A 40-criterion tree over five groups, using every method but price per quality point."""
    scale = Scale(Decimal(5))
    quality = [
        Criterion(
            f"q{n:02d}",
            f"Quality question {n}",
            Decimal(0),
            Method.JUDGEMENT,
            scale=scale,
            minimum_score=Decimal(1) if n % 6 == 0 else None,
        )
        for n in range(1, 25)
    ] + [
        Criterion(f"pf{n}", f"Compliance {n}", Decimal(0), Method.PASS_FAIL, question=f"Check {n}")
        for n in (1, 2)
    ]
    social = [
        Criterion(
            f"sv{n}",
            f"Social value theme {n}",
            Decimal(0),
            Method.SOCIAL_VALUE_MEASURES,
            measures=MEASURES[3 * (n - 1) : 3 * n],
            social_value_mode=SocialValueMode.PER_POUND if n % 2 else SocialValueMode.RELATIVE,
        )
        for n in range(1, 5)
    ] + [
        Criterion(f"svm{n}", f"Social metric {n}", Decimal(0), Method.METRIC, unit="%")
        for n in range(1, 5)
    ]
    local = [
        Criterion("local", "Local supplier", Decimal(0), Method.LOCAL_SUPPLIER),
        *(
            Criterion(
                f"lm{n}",
                f"Local spend {n}",
                Decimal(0),
                Method.METRIC,
                metric_mode=MetricMode.LINEAR,
                floor=Decimal(10),
                target=Decimal(60),
                unit="%",
            )
            for n in (1, 2)
        ),
    ]
    environment = [
        Criterion(
            f"env{n}",
            f"Emissions {n}",
            Decimal(0),
            Method.METRIC,
            direction=MetricDirection.LOWER_IS_BETTER,
            unit="tCO2e",
        )
        for n in (1, 2)
    ]
    price = [Criterion("price", "Price", Decimal(0), Method.PRICE_RELATIVE)]
    groups = [
        ("price", "Price", GroupKind.PRICE, 40, price),
        ("quality", "Quality", GroupKind.QUALITY, 35, quality),
        ("social", "Social value", GroupKind.SOCIAL_VALUE, 15, social),
        ("local", "Localism", GroupKind.LOCALISM, 5, local),
        ("environment", "Environment", GroupKind.ENVIRONMENT, 5, environment),
    ]
    return CriteriaTree(
        tuple(
            Group(
                key,
                name,
                kind,
                Decimal(weight),
                tuple(
                    Criterion(**{**c.__dict__, "weight": w})
                    for c, w in zip(criteria, _weights(len(criteria)), strict=True)
                ),
            )
            for key, name, kind, weight, criteria in groups
        )
    )


def build_catalogue() -> dict[str, ProxyValue]:
    """Twelve measures with proxy values from £50 to £30,000 a unit."""
    rng = random.Random(SEED)
    return {
        code: ProxyValue(code, f"Measure {code}", "unit", Decimal(rng.randint(50, 30000)))
        for code in MEASURES
    }


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def build_bids(tree: CriteriaTree, count: int, evaluators: int) -> list[BidInput]:
    """`count` bids with evaluator scores, metric answers, commitments and pass/fail answers."""
    rng = random.Random(SEED + count)
    start = datetime(2026, 4, 1, 9, tzinfo=UTC)
    bids = []
    for n in range(count):
        judgements = {}
        moderated = {}
        answers = {}
        passes = {}
        commitments = []
        for _, criterion in tree.criteria():
            key = criterion.key
            if criterion.method is Method.JUDGEMENT:
                # Evaluators mostly agree: each is within a point of the answer's merit.
                merit = rng.randint(1, 5)
                judgements[key] = tuple(
                    Decimal(min(5, max(0, merit + rng.choice(AGREEMENT))))
                    for _ in range(evaluators)
                )
                if rng.random() < 0.1:
                    moderated[key] = Decimal(rng.randint(1, 5))
            elif criterion.method is Method.METRIC:
                answers[key] = _money(rng, 0, 100)
            elif criterion.method is Method.PASS_FAIL:
                passes[key] = rng.random() > 0.01
            elif criterion.method is Method.SOCIAL_VALUE_MEASURES:
                commitments += [
                    Commitment(code, Decimal(rng.randint(0, 40))) for code in criterion.measures
                ]
        bids.append(
            BidInput(
                bid_id=f"bid-{n:05d}",
                supplier_name=f"Supplier {n:05d} Ltd",
                price=_money(rng, 80_000, 150_000),
                submitted_at=start + timedelta(minutes=rng.randint(0, 10_000)),
                is_local=rng.random() < 0.4,
                metric_answers=answers,
                commitments=tuple(commitments),
                judgement_scores=judgements,
                moderated_scores=moderated,
                pass_fail_answers=passes,
            )
        )
    return bids


@dataclass(frozen=True)
class Timing:
    """Milliseconds for one size: medians of scoring and sensitivity, and of their total,
    and the fastest total."""

    scoring: float
    sensitivity: float
    total: float
    fastest: float


def measure(count: int, repeats: int) -> Timing:
    """Time scoring, and sensitivity given the scoring result, `repeats` times."""
    tree, catalogue, rules = build_tree(), build_catalogue(), EvaluationRules()
    scoring, sensitivity = [], []
    for _ in range(repeats):
        # Fresh inputs each run, as a service would load them: nothing (not even a Decimal's
        # cached hash) carries over from the run before.
        bids = build_bids(tree, count, EVALUATORS)
        started = time.perf_counter()
        result = evaluate(tree, bids, catalogue, rules)
        scored = time.perf_counter()
        analyse_sensitivity(tree, bids, catalogue, rules, result)
        finished = time.perf_counter()
        scoring.append(scored - started)
        sensitivity.append(finished - scored)
        # Freed here, the result is not freed inside the next run's timing when
        # `result` is rebound.
        del result
    totals = [a + b for a, b in zip(scoring, sensitivity, strict=True)]
    return Timing(
        statistics.median(scoring) * 1000,
        statistics.median(sensitivity) * 1000,
        statistics.median(totals) * 1000,
        min(totals) * 1000,
    )


def main() -> None:
    """Print the results table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="runs per size")
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 runs")
    args = parser.parse_args()
    sizes = SIZES[:3] if args.quick else SIZES
    repeats = 3 if args.quick else args.repeats
    print(
        f"Python {platform.python_version()} on {platform.system()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}; {repeats} runs per size; target "
        f"{TARGET_MS:.0f} ms for the largest case (fastest run)"
    )
    header = (
        "| bids | criteria | evaluators | scoring ms (median) | sensitivity ms (median) "
        "| total ms (median) | total ms (fastest) | µs per bid x criterion x evaluator "
        "(fastest) | target |"
    )
    print(header)
    print("|" + "|".join("---:" for _ in range(9)) + "|")
    for count in sizes:
        timing = measure(count, repeats)
        cells = count * CRITERIA * EVALUATORS
        verdict = "PASS" if timing.fastest < TARGET_MS else "FAIL"
        print(
            f"| {count} | {CRITERIA} | {EVALUATORS} | {timing.scoring:.1f} "
            f"| {timing.sensitivity:.1f} | {timing.total:.1f} | {timing.fastest:.1f} "
            f"| {timing.fastest * 1000 / cells:.3f} | {verdict} |"
        )
    print(f"load average afterwards {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
