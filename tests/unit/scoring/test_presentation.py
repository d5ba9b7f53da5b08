"""The rounding rule: full precision inside, half up in the text, and nowhere else."""

from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from scoring.criteria import GroupKind, Method
from scoring.presentation import (
    listing,
    money,
    number,
    ordinal,
    percent,
    percent_at_least,
    percent_at_most,
    points,
    ratio,
)
from scoring.results import (
    BidResult,
    CriterionScore,
    GroupScore,
    bid_result,
    criterion_score,
    group_score,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "as_money", "as_points", "as_ratio"),
    [
        ("2.125", "£2.13", "2.13", "2.1250"),  # half up, not to even
        ("2.135", "£2.14", "2.14", "2.1350"),
        ("-2.125", "-£2.13", "-2.13", "-2.1250"),  # half away from zero
        ("-0.001", "£0.00", "0.00", "-0.0010"),  # never a negative zero
        ("999.995", "£1,000.00", "1,000.00", "999.9950"),
        ("1234567.891", "£1,234,567.89", "1,234,567.89", "1,234,567.8910"),
        ("0.00005", "£0.00", "0.00", "0.0001"),
        ("1E+5", "£100,000.00", "100,000.00", "100,000.0000"),
    ],
)
def test_numbers_are_rounded_half_up_for_the_text(
    value: str, as_money: str, as_points: str, as_ratio: str
) -> None:
    assert money(D(value)) == as_money
    assert points(D(value)) == number(D(value)) == as_points
    assert ratio(D(value)) == as_ratio


def test_interval_ends_are_rounded_inwards_so_the_sentence_stays_true() -> None:
    assert percent(D("31.2549")) == "31.25%"
    assert percent_at_least(D("31.2501")) == "31.26%"
    assert percent_at_most(D("57.1499")) == "57.14%"


def test_lists_and_ordinals_read_as_english() -> None:
    assert [listing([]), listing(["A"]), listing(["A", "B"]), listing(["A", "B", "C"])] == [
        "",
        "A",
        "A and B",
        "A, B and C",
    ]
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd", "111th"
    ]  # fmt: skip


def test_the_fast_builders_make_the_same_results_as_the_constructors() -> None:
    fields = ("k", "Name", "g", Method.METRIC, D(1), D("0.5"), D(5), D(10), "Text.", ("Note",))
    built = criterion_score(*fields)
    made = CriterionScore(*fields)
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    group_fields = ("g", "Group", GroupKind.QUALITY, D(5), D(10), "Group: 5.00 of 10.00 points.")
    assert group_score(*group_fields) == GroupScore(*group_fields)
    bid_fields = ("b", "B Ltd", D(9), (made,), (), D(5), 1, True, (), "Total 5.00 out of 100.")
    assert bid_result(*bid_fields) == BidResult(*bid_fields)
    with pytest.raises(FrozenInstanceError):
        built.weighted = D(0)  # type: ignore[misc]
