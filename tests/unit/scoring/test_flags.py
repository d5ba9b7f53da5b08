"""Flags: abnormally low prices and exclusions (threshold, spread and tie flags are tested with
their methods and with ranking)."""

import pytest

from scoring.bids import EvaluationRules
from scoring.results import EvaluationResult, FlagKind
from tests.unit.scoring.builders import D, bid, price_only, run

TWENTY = EvaluationRules(abnormally_low_percent=D(20))


def low_flags(result: EvaluationResult, bid_id: str) -> list[str]:
    return [f.message for f in result.bid(bid_id).flags_of(FlagKind.ABNORMALLY_LOW_PRICE)]


def test_a_price_more_than_the_stated_percent_below_the_others_mean_is_flagged() -> None:
    # For D the other bids' mean is £10,000 and £7,000 is 30% below it. For A, B and C the
    # mean of the others is (10,000 + 10,000 + 7,000) / 3 = £9,000: they are above it.
    result = run(
        price_only(),
        bid("a", 10_000),
        bid("b", 10_000),
        bid("c", 10_000),
        bid("d", 7_000),
        rules=TWENTY,
    )
    assert low_flags(result, "d") == [
        "Price £7,000.00 is 30.00% below the mean £10,000.00 of the other 3 eligible bids, "
        "more than the 20.00% threshold: ask the supplier to explain it."
    ]
    assert [low_flags(result, b) for b in "abc"] == [[], [], []]


def test_an_abnormally_low_price_is_flagged_but_never_excluded() -> None:
    result = run(price_only(), bid("a", 10_000), bid("b", 10_000), bid("d", 5_000), rules=TWENTY)
    d = result.bid("d")
    assert d.flags_of(FlagKind.ABNORMALLY_LOW_PRICE)
    assert d.eligible and d.rank == 1 and result.winner_id == "d"


def test_exactly_the_stated_percent_below_is_not_flagged() -> None:
    result = run(price_only(), bid("a", 10_000), bid("b", 10_000), bid("d", 8_000), rules=TWENTY)
    assert low_flags(result, "d") == []


def test_one_other_bid_is_too_few_to_judge_a_price_abnormally_low() -> None:
    result = run(price_only(), bid("a", 10_000), bid("d", 1_000), rules=TWENTY)
    assert low_flags(result, "d") == []


def test_excluded_bids_do_not_count_towards_the_mean() -> None:
    # Counting the excluded £1,000 bid the mean for D would be £7,000 and D would not be low.
    result = run(
        price_only(),
        bid("a", 10_000),
        bid("b", 10_000),
        bid("d", 7_000),
        bid("x", 1_000, excluded="Submitted late"),
        rules=TWENTY,
    )
    assert low_flags(result, "d") != []
    assert low_flags(result, "x") == []


@pytest.mark.parametrize("reason", ["Submitted after the deadline", "Conflict of interest"])
def test_an_excluded_bid_is_scored_but_not_ranked_and_says_why(reason: str) -> None:
    result = run(price_only(), bid("a", 20_000), bid("x", 10_000, excluded=reason))
    x = result.bid("x")
    assert not x.eligible and x.rank is None
    assert x.criterion("price").weighted == 100
    assert [(f.kind, f.message) for f in x.flags] == [(FlagKind.EXCLUDED, f"Excluded: {reason}")]
    assert result.winner_id == "a"
    assert [b.bid_id for b in result.bids] == ["a", "x"]


def test_with_no_eligible_bid_there_is_no_winner() -> None:
    result = run(price_only(), bid("x", 10_000, excluded="Late"))
    assert result.winner_id is None and result.winner is None
    assert result.bid("x").rank is None
