"""Hypothesis strategies for valid criteria trees and the bids scored against them."""

import itertools
from decimal import Decimal

from hypothesis import strategies as st

from scoring.bids import BidInput
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
from tests.unit.scoring.builders import bid, catalogue

D = Decimal
MEASURES = ("JOB-LOCAL", "APP-WEEK", "TREE")
PROXIES = catalogue(JOB_LOCAL=25_000, APP_WEEK=200, TREE=50)
money = st.integers(1, 10_000_000).map(lambda pence: D(pence) / 100)


@st.composite
def weights(draw: st.DrawFn, count: int) -> list[Decimal]:
    """`count` positive weights of two decimal places that add up to exactly 100."""
    cuts = sorted(draw(st.sets(st.integers(1, 9_999), min_size=count - 1, max_size=count - 1)))
    edges = [0, *cuts, 10_000]
    return [D(b - a) / 100 for a, b in itertools.pairwise(edges)]


@st.composite
def any_criterion(draw: st.DrawFn, key: str, price_group: bool) -> Criterion:
    """A criterion with settings that pass validation."""
    if price_group:
        method = draw(
            st.sampled_from(
                [Method.PRICE_RELATIVE, Method.PRICE_LINEAR, Method.PRICE_PER_QUALITY_POINT]
            )
        )
    else:
        method = draw(
            st.sampled_from(
                [Method.JUDGEMENT, Method.METRIC, Method.SOCIAL_VALUE_MEASURES,
                 Method.LOCAL_SUPPLIER, Method.PASS_FAIL, Method.PRICE_RELATIVE]
            )
        )  # fmt: skip
    settings: dict[str, object] = {}
    if method is Method.PRICE_LINEAR:
        settings["zero_at_percent_above"] = D(draw(st.integers(1, 200)))
    elif method is Method.JUDGEMENT:
        maximum = draw(st.sampled_from([5, 10, 100]))
        settings["scale"] = Scale(D(maximum))
        if draw(st.booleans()):
            settings["minimum_score"] = D(draw(st.integers(0, maximum // 2)))
    elif method is Method.METRIC:
        settings["direction"] = draw(st.sampled_from(list(MetricDirection)))
        mode = draw(st.sampled_from(list(MetricMode)))
        settings["metric_mode"] = mode
        if mode is MetricMode.LINEAR:
            floor, target = draw(
                st.lists(st.integers(-50, 200), min_size=2, max_size=2, unique=True)
            )
            settings.update(floor=D(floor), target=D(target))
    elif method is Method.SOCIAL_VALUE_MEASURES:
        settings["measures"] = tuple(
            draw(st.lists(st.sampled_from(MEASURES[:2]), min_size=1, max_size=2, unique=True))
        )
        settings["social_value_mode"] = draw(st.sampled_from(list(SocialValueMode)))
    return Criterion(key, key.upper(), D(0), method, **settings)  # type: ignore[arg-type]


@st.composite
def trees(draw: st.DrawFn) -> CriteriaTree:
    """A valid tree: a price group and up to three others, each with one to three criteria."""
    kinds = [
        GroupKind.PRICE,
        *draw(
            st.lists(
                st.sampled_from([k for k in GroupKind if k is not GroupKind.PRICE]),
                min_size=1,
                max_size=3,
            )
        ),
    ]
    groups = []
    count = 0
    for g, (kind, weight) in enumerate(zip(kinds, draw(weights(len(kinds))), strict=True)):
        size = draw(st.integers(1, 3))
        criteria = []
        for criterion_weight in draw(weights(size)):
            count += 1
            drawn = draw(any_criterion(f"c{count}", kind is GroupKind.PRICE))
            criteria.append(Criterion(**{**drawn.__dict__, "weight": criterion_weight}))
        groups.append(Group(f"g{g}", f"Group {g}", kind, weight, tuple(criteria)))
    return CriteriaTree(tuple(groups))


@st.composite
def bids_for(draw: st.DrawFn, criteria: CriteriaTree, count: int | None = None) -> list[BidInput]:
    """Bids with an answer to everything the tree asks (now and then a gap)."""
    size = count if count is not None else draw(st.integers(1, 6))
    made = []
    for n in range(size):
        judgement: dict[str, list[int]] = {}
        moderated: dict[str, int] = {}
        answers: dict[str, str] = {}
        passes: dict[str, bool] = {}
        for _, c in criteria.criteria():
            if c.method is Method.JUDGEMENT and c.scale is not None and draw(st.integers(0, 9)):
                top = int(c.scale.maximum)
                judgement[c.key] = draw(st.lists(st.integers(0, top), min_size=1, max_size=5))
                if draw(st.integers(0, 4)) == 0:
                    moderated[c.key] = draw(st.integers(0, top))
            elif c.method is Method.METRIC and draw(st.integers(0, 9)):
                answers[c.key] = str(D(draw(st.integers(-1_000, 20_000))) / 100)
            elif c.method is Method.PASS_FAIL:
                passes[c.key] = draw(st.integers(0, 9)) > 0
        commitments = draw(
            st.lists(st.tuples(st.sampled_from(MEASURES), st.integers(0, 50)), max_size=4)
        )
        made.append(
            bid(
                f"b{n}",
                draw(money),
                minutes=draw(st.integers(0, 100)),
                judgement=judgement,
                moderated=moderated,
                answers=answers,
                commitments=commitments,
                passes=passes,
                local=draw(st.booleans()),
            )
        )
    return made


@st.composite
def tenders(draw: st.DrawFn) -> tuple[CriteriaTree, list[BidInput]]:
    """A tree and some bids for it."""
    criteria = draw(trees())
    return criteria, draw(bids_for(criteria))
