"""Ranking: totals, the declared tie-break order, and tie flags."""

import pytest

from scoring.bids import DEFAULT_TIE_BREAK, BidInput, EvaluationRules, TieBreak
from scoring.criteria import GroupKind, Method, Scale
from scoring.results import EvaluationResult, FlagKind
from tests.unit.scoring.builders import FIVE_POINT, D, bid, criterion, group, run, single, tree

# Price 40%, quality 30%, localism 30%. Two bids at the same price tie on 70 points:
# Q has full quality marks and is not local, L is local with no quality marks.
MIXED = tree(
    group("price", GroupKind.PRICE, 40, criterion("price", Method.PRICE_RELATIVE)),
    group("quality", GroupKind.QUALITY, 30, criterion("q", Method.JUDGEMENT, scale=FIVE_POINT)),
    group("local", GroupKind.LOCALISM, 30, criterion("l", Method.LOCAL_SUPPLIER)),
)


def ranked(result: EvaluationResult) -> list[str]:
    return [b.bid_id for b in result.bids]


def test_bids_are_ranked_by_total_highest_first() -> None:
    result = run(
        MIXED,
        bid("mid", 10_000, moderated={"q": 3}),
        bid("top", 10_000, moderated={"q": 5}, local=True),
        bid("low", 20_000, moderated={"q": 1}),
    )
    assert ranked(result) == ["top", "mid", "low"]
    assert [b.rank for b in result.bids] == [1, 2, 3]
    assert result.winner_id == "top"


@pytest.mark.parametrize(
    ("order", "winner"),
    [
        ((TieBreak.HIGHER_QUALITY, TieBreak.HIGHER_SOCIAL_VALUE), "q"),
        ((TieBreak.HIGHER_SOCIAL_VALUE, TieBreak.HIGHER_QUALITY), "l"),
    ],
)
def test_equal_totals_follow_the_declared_tie_break_order(
    order: tuple[TieBreak, ...], winner: str
) -> None:
    bids = [bid("q", 10_000, moderated={"q": 5}), bid("l", 10_000, moderated={"q": 0}, local=True)]
    result = run(MIXED, *bids, rules=EvaluationRules(tie_break=order))
    assert result.bid("q").total == result.bid("l").total == 70
    assert result.winner_id == winner


QUALITY_ONLY = single(Method.JUDGEMENT, scale=FIVE_POINT)


@pytest.mark.parametrize(
    ("first", "second", "order", "decided_by"),
    [
        (
            bid("cheap", 9_000, minutes=10),
            bid("dear", 10_000),
            (TieBreak.LOWER_PRICE, TieBreak.EARLIER_SUBMISSION),
            "by the tie-break: lower price (£9,000.00 vs £10,000.00)",
        ),
        (
            bid("early", 10_000),
            bid("late", 9_000, minutes=5),
            (TieBreak.EARLIER_SUBMISSION, TieBreak.LOWER_PRICE),
            "by the tie-break: earlier submission (2026-05-01T09:00:00+00:00 vs "
            "2026-05-01T09:05:00+00:00)",
        ),
        (
            bid("a", 10_000),
            bid("b", 10_000),
            DEFAULT_TIE_BREAK,
            "by bid id (a before b), as nothing else separates them",
        ),
    ],
)
def test_the_tie_flag_names_the_tied_bids_and_how_the_tie_break_decided(
    first: BidInput, second: BidInput, order: tuple[TieBreak, ...], decided_by: str
) -> None:
    # Nobody is scored yet, so both totals are 0: an exact tie.
    result = run(QUALITY_ONLY, second, first, rules=EvaluationRules(tie_break=order))
    names = [b.supplier_name for b in result.bids]
    assert ranked(result) == [first.bid_id, second.bid_id]
    assert result.ties == ((first.bid_id, second.bid_id),)
    [flag] = result.bids[0].flags
    assert flag.kind is FlagKind.TIE
    assert flag.message == (
        f"{names[0]} (0.00) and {names[1]} (0.00) have totals within the 0.01-point tie "
        f"tolerance of each other. {names[0]} ranks above {names[1]} {decided_by}."
    )
    assert result.bids[1].flags == (flag,)


PERCENT_SCALE = single(Method.JUDGEMENT, scale=Scale(D(100)))


def test_totals_within_the_tolerance_are_flagged_but_ranked_on_full_precision() -> None:
    # 70.004 and 70.000 are 0.004 apart: a tie by the 0.01 tolerance, yet ranked by total.
    result = run(
        PERCENT_SCALE,
        bid("a", moderated={"c": 70}),
        bid("b", moderated={"c": "70.004"}),
    )
    assert ranked(result) == ["b", "a"]
    assert result.ties == (("b", "a"),)
    assert (
        result.bids[0]
        .flags[0]
        .message.endswith("Bidder B ranks above Bidder A on the unrounded totals.")
    )


def test_a_chain_of_close_totals_is_one_tie_and_a_clear_gap_is_none() -> None:
    result = run(
        PERCENT_SCALE,
        bid("a", moderated={"c": "70.02"}),
        bid("b", moderated={"c": "70.01"}),
        bid("c", moderated={"c": "70.00"}),
        bid("d", moderated={"c": "60"}),
    )
    assert result.ties == (("a", "b", "c"),)
    assert result.bid("d").flags == ()


def test_a_wider_tolerance_catches_wider_gaps() -> None:
    bids = [bid("a", moderated={"c": 71}), bid("b", moderated={"c": 70})]
    assert run(PERCENT_SCALE, *bids).ties == ()
    assert run(PERCENT_SCALE, *bids, rules=EvaluationRules(tie_tolerance=D(1))).ties == (
        ("a", "b"),
    )


def test_ineligible_bids_are_never_in_a_tie() -> None:
    result = run(
        PERCENT_SCALE,
        bid("a", moderated={"c": 70}),
        bid("x", moderated={"c": 70}, excluded="Late"),
    )
    assert result.ties == ()
