"""Dates as documents for UK readers write them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_day(value: date | datetime) -> str:
    """A date as GOV.UK writes it: 1 June 2026 (a moment is first put in UK time)."""
    day = value.astimezone(LONDON).date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%B %Y}"
