"""Reading a GOV.UK date input and a 24-hour time as a UK local moment."""

from datetime import UTC, datetime

import pytest

from procurement.web.forms import LondonDateTime

DEADLINE = LondonDateTime("deadline", "Deadline")


def posted(day: str, month: str, year: str, time: str) -> dict[str, str]:
    """The form fields for a date and time."""
    return {
        "deadline-day": day,
        "deadline-month": month,
        "deadline-year": year,
        "deadline_time": time,
    }


@pytest.mark.parametrize(
    ("fields", "moment"),
    [
        (posted("15", "1", "2027", "17:00"), datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        (posted("15", "7", "2027", "17:00"), datetime(2027, 7, 15, 16, 0, tzinfo=UTC)),
        (posted("01", "07", "2027", "9.30"), datetime(2027, 7, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_a_uk_local_time_is_read_as_utc(fields: dict[str, str], moment: datetime) -> None:
    assert DEADLINE.parse(fields) == (moment, [])


@pytest.mark.parametrize(
    ("fields", "messages", "links"),
    [
        (posted("", "", "", "17:00"), ["Enter the deadline"], ["#deadline-day"]),
        (
            posted("1", "", "", "17:00"),
            ["Deadline must include a month and a year"],
            ["#deadline-month"],
        ),
        (posted("31", "4", "2027", "17:00"), ["Deadline must be a real date"], ["#deadline-day"]),
        (posted("1", "4", "27", "17:00"), ["Year must include 4 numbers"], ["#deadline-year"]),
        (posted("x", "4", "2027", "17:00"), ["Deadline must be a real date"], ["#deadline-day"]),
        (posted("1", "4", "2027", ""), ["Enter the time, like 17:00"], ["#deadline_time"]),
        (
            posted("1", "4", "2027", "25:00"),
            ["Enter the time using the 24-hour clock, like 09:30 or 17:00"],
            ["#deadline_time"],
        ),
        (
            posted("", "", "", "5pm"),
            ["Enter the deadline", "Enter the time using the 24-hour clock, like 09:30 or 17:00"],
            ["#deadline-day", "#deadline_time"],
        ),
    ],
)
def test_a_bad_date_or_time_says_what_to_fix_and_links_to_it(
    fields: dict[str, str], messages: list[str], links: list[str]
) -> None:
    moment, errors = DEADLINE.parse(fields)

    assert moment is None
    assert [e.message for e in errors] == messages
    assert [e.href for e in errors] == links


def test_a_stored_moment_fills_the_form_in_uk_time() -> None:
    values = DEADLINE.values_for(datetime(2027, 7, 15, 16, 0, tzinfo=UTC))

    assert values == posted("15", "7", "2027", "17:00")
