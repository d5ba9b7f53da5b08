"""The standstill period: 8 working days after the decision, skipping weekends and the
England and Wales bank holidays. Every expected date below was counted on a calendar."""

from datetime import date

import pytest

from procurement.domain.standstill import add_working_days, is_working_day, standstill_end


@pytest.mark.parametrize(
    ("decision", "ends"),
    [
        # An ordinary fortnight: Tue 2 ... Thu 11 June 2026, over one weekend.
        pytest.param(date(2026, 6, 1), date(2026, 6, 11), id="a plain Monday"),
        # Fri 5 June: Mon 8 to Fri 12 is five, then Mon 15, Tue 16, Wed 17.
        pytest.param(date(2026, 6, 5), date(2026, 6, 17), id="a Friday"),
        # A decision on a Saturday counts from Monday 6 June 2026: Mon 8 ... Wed 17.
        pytest.param(date(2026, 6, 6), date(2026, 6, 17), id="a Saturday"),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April. From Wed 1 April:
        # Thu 2, Tue 7, Wed 8, Thu 9, Fri 10, Mon 13, Tue 14, Wed 15.
        pytest.param(date(2026, 4, 1), date(2026, 4, 15), id="across Easter 2026"),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March. From Thu 25 March:
        # Tue 30, Wed 31, Thu 1, Fri 2, Mon 5, Tue 6, Wed 7, Thu 8 April.
        pytest.param(date(2027, 3, 25), date(2027, 4, 8), id="across Easter 2027"),
        # Christmas 2026: Fri 25 Dec, Boxing Day observed Mon 28 Dec, New Year Fri 1 Jan.
        # From Wed 23 Dec: Thu 24, Tue 29, Wed 30, Thu 31, Mon 4, Tue 5, Wed 6, Thu 7 Jan.
        pytest.param(date(2026, 12, 23), date(2027, 1, 7), id="across Christmas 2026"),
        # Christmas 2027 falls on a weekend: substitutes Mon 27 and Tue 28 Dec; New Year's
        # Day 2028 is a Saturday, its substitute Mon 3 Jan. From Fri 24 Dec: Wed 29, Thu 30,
        # Fri 31, Tue 4, Wed 5, Thu 6, Fri 7, Mon 10 Jan.
        pytest.param(date(2027, 12, 24), date(2028, 1, 10), id="across Christmas 2027"),
        # Early May 2026: Mon 4 May. From Thu 30 April: Fri 1, Tue 5, Wed 6, Thu 7, Fri 8,
        # Mon 11, Tue 12, Wed 13 May.
        pytest.param(date(2026, 4, 30), date(2026, 5, 13), id="across the early May holiday"),
        # Late May 2026: Mon 25 May. From Fri 22 May: Tue 26, Wed 27, Thu 28, Fri 29,
        # Mon 1, Tue 2, Wed 3, Thu 4 June.
        pytest.param(date(2026, 5, 22), date(2026, 6, 4), id="across the late May holiday"),
        # August 2026: Mon 31 August. From Thu 27 Aug: Fri 28, Tue 1, Wed 2, Thu 3, Fri 4,
        # Mon 7, Tue 8, Wed 9 September.
        pytest.param(date(2026, 8, 27), date(2026, 9, 9), id="across the August holiday"),
    ],
)
def test_the_standstill_ends_eight_working_days_after_the_decision(
    decision: date, ends: date
) -> None:
    assert standstill_end(decision) == ends


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert [is_working_day(date(2026, 12, d)) for d in (24, 25, 26, 27, 28, 29)] == [
        True,  # Thursday
        False,  # Christmas Day
        False,  # Saturday
        False,  # Sunday
        False,  # Boxing Day, observed on the Monday
        True,  # Tuesday
    ]


def test_the_decision_day_itself_never_counts() -> None:
    assert add_working_days(date(2026, 6, 1), 1) == date(2026, 6, 2)
    assert add_working_days(date(2026, 6, 1), 0) == date(2026, 6, 1)
