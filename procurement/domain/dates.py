"""Dates in England and Wales: the calendar date of a moment, and dates as UK readers write
them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_day(value: date | datetime) -> str:
    """A date as GOV.UK writes it: 1 June 2026 (a moment is first put in UK time)."""
    day = value.astimezone(LONDON).date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%B %Y}"


def london_date(moment: datetime) -> date:
    """The calendar date in England and Wales at a moment."""
    return moment.astimezone(LONDON).date()
