"""The standstill period after an award decision: 8 working days in England and Wales."""

from datetime import date, timedelta

import holidays

STANDSTILL_WORKING_DAYS = 8
# England and Wales share their bank holidays; the holidays package lists them (substitute
# days included) under England.
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: date) -> bool:
    """True on a weekday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (which itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def standstill_end(decision_date: date) -> date:
    """The last day of the standstill: the 8th working day after the decision date.

    The contract may be entered into from the day after.
    """
    return add_working_days(decision_date, STANDSTILL_WORKING_DAYS)
