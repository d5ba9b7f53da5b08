"""The engine as a whole: its result's shape and look-ups, and what it leaves behind."""

import gc
from decimal import Decimal, getcontext, localcontext

import pytest

from scoring.criteria import GroupKind, Method
from scoring.results import FlagKind
from tests.unit.scoring.builders import FIVE_POINT, D, bid, criterion, group, price_only, run, tree

TREE = tree(
    group("price", GroupKind.PRICE, 60, criterion("price", Method.PRICE_RELATIVE)),
    group("quality", GroupKind.QUALITY, 40, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
)


def test_each_bid_has_one_score_per_criterion_and_group_in_tree_order() -> None:
    result = run(TREE, bid("a", 10_000, moderated={"q": 4}))
    a = result.bid("a")
    assert [s.criterion_key for s in a.criteria] == ["price", "q"]
    assert [(g.group_key, g.max_points) for g in a.groups] == [("price", D(60)), ("quality", D(40))]
    assert a.criterion("q").group_key == "quality"
    assert a.group("quality").points == 32


def test_looking_up_something_missing_says_which() -> None:
    result = run(TREE, bid("a"))
    with pytest.raises(KeyError, match="nope"):
        result.bid("nope")
    with pytest.raises(KeyError, match="nope"):
        result.bid("a").criterion("nope")
    with pytest.raises(KeyError, match="nope"):
        result.bid("a").group("nope")
    assert result.bid("a").flags_of(FlagKind.TIE) == ()


def test_bids_that_share_a_reading_share_one_score() -> None:
    result = run(TREE, bid("a", moderated={"q": 4}), bid("b", judgement={"q": [4, 4]}))
    a, b = result.bid("a").criterion("q"), result.bid("b").criterion("q")
    assert a.normalised == b.normalised and a.explanation != b.explanation
    c = run(TREE, bid("c", moderated={"q": 4}), bid("d", moderated={"q": 4}))
    assert c.bid("c").criterion("q") is c.bid("d").criterion("q")


@pytest.mark.parametrize("enabled", [True, False])
def test_the_engine_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        run(TREE, bid("a"), bid("b"))
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_the_callers_decimal_context_neither_changes_the_result_nor_is_changed() -> None:
    expected = run(price_only(), bid("a", 10_000), bid("b", 30_000))
    with localcontext() as context:
        context.prec = 3
        assert run(price_only(), bid("a", 10_000), bid("b", 30_000)) == expected
        assert getcontext().prec == 3
    assert expected.bid("b").criterion("price").normalised == Decimal(1) / 3


def test_an_empty_tender_has_no_winner_and_no_ties() -> None:
    result = run(TREE)
    assert (result.bids, result.winner_id, result.ties) == ((), None, ())


def test_a_bid_with_every_exclusion_lists_them_all() -> None:
    criteria = tree(
        group(
            "quality",
            GroupKind.QUALITY,
            100,
            criterion("q", Method.JUDGEMENT, 50, scale=FIVE_POINT, minimum_score=D(3)),
            criterion("insured", Method.PASS_FAIL, 50, question="Insured?"),
        )
    )
    result = run(criteria, bid("x", 0, moderated={"q": 1}, excluded="Late"))
    kinds = [f.kind for f in result.bid("x").flags]
    assert kinds == [
        FlagKind.EXCLUDED,
        FlagKind.EXCLUDED,
        FlagKind.THRESHOLD_FAILED,
        FlagKind.EXCLUDED,
    ]
    assert result.bid("x").total_explanation.endswith("Not ranked. Excluded: Late")
