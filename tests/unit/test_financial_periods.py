"""procurement/domain/capital.py: the UK financial year (April to March) and its quarters."""

from datetime import date

import pytest

from procurement.domain.capital import Period, financial_year_label, financial_year_of


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2027, 1, 15), 2026)],
)
def test_a_day_belongs_to_the_year_that_started_on_the_last_1_april(day: date, year: int) -> None:
    assert financial_year_of(day) == year


def test_a_year_is_written_with_the_next_years_last_two_digits() -> None:
    assert (financial_year_label(2026), financial_year_label(1999)) == ("2026/27", "1999/00")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026/27", date(2026, 4, 1), date(2027, 3, 31)),
        ("2026/27 Q1", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026/27 Q2", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026/27 Q3", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026/27 Q4", date(2027, 1, 1), date(2027, 3, 31)),
        (" 2027/28 Q4 ", date(2028, 1, 1), date(2028, 3, 31)),  # 2028 is a leap year
    ],
)
def test_a_period_runs_from_its_first_to_its_last_day(text: str, start: date, end: date) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, text.strip())


@pytest.mark.parametrize("text", ["2026/28", "2026", "2026/27 Q5", "2026-27 Q1", "Q2 2026/27", ""])
def test_anything_else_is_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(ValueError, match='for example "2026/27 Q2"'):
        Period.parse(text)
