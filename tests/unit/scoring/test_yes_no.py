"""Local supplier and pass/fail criteria."""

import pytest

from scoring.criteria import GroupKind, Method
from scoring.results import FlagKind
from tests.unit.scoring.builders import bid, criterion, group, normalised, run, single, tree


def test_a_local_supplier_earns_full_marks_and_a_distant_one_nothing() -> None:
    result = run(
        single(Method.LOCAL_SUPPLIER, GroupKind.LOCALISM), bid("near", local=True), bid("far")
    )
    assert normalised(result) == {"near": 1, "far": 0}
    assert (
        result.bid("near").criterion("c").explanation
        == "Local supplier: full marks, 100.00 points."
    )
    assert result.bid("far").criterion("c").explanation == "Not a local supplier: 0.00 points."


PASS_FAIL = tree(
    group(
        "quality",
        GroupKind.QUALITY,
        100,
        criterion(
            "insured", Method.PASS_FAIL, 10, question="Do you hold £5m public liability insurance?"
        ),
        criterion("other", Method.LOCAL_SUPPLIER, 90),
    )
)


def test_a_pass_earns_the_criterions_full_points() -> None:
    result = run(PASS_FAIL, bid("a", passes={"insured": True}))
    a = result.bid("a")
    assert a.eligible and a.rank == 1
    assert a.criterion("insured").weighted == 10
    assert a.criterion("insured").explanation == (
        "Passed 'Do you hold £5m public liability insurance?': full marks, 10.00 points."
    )


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"insured": False}, "Excluded: failed the pass/fail question"),
        ({}, "Excluded: no pass/fail answer recorded to"),
    ],
)
def test_a_fail_or_no_answer_excludes_the_bid_with_the_question_as_the_reason(
    answers: dict[str, bool], reason: str
) -> None:
    result = run(
        PASS_FAIL, bid("a", passes=answers, local=True), bid("b", passes={"insured": True})
    )
    a = result.bid("a")
    assert not a.eligible and a.rank is None
    assert a.criterion("insured").weighted == 0
    [flag] = a.flags
    assert flag.kind is FlagKind.EXCLUDED and flag.criterion_key == "insured"
    assert flag.message == f"{reason} 'Do you hold £5m public liability insurance?'."
    # Ranked bids come first, the excluded one after them despite its higher total.
    assert [b.bid_id for b in result.bids] == ["b", "a"]
    assert result.winner_id == "b"
