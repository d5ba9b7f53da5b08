"""How pages show money and moments: pounds with pence, and UK local time."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from procurement.web.filters import london_datetime, money


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234"), "GBP", "£1,234.00"),
        (Decimal("0.5"), "GBP", "£0.50"),
        (Decimal("1250000.75"), "EUR", "€1,250,000.75"),
        (Decimal("99.99"), "CHF", "CHF 99.99"),
    ],
)
def test_money_has_a_thousands_separator_and_pence(
    amount: Decimal, currency: str, shown: str
) -> None:
    assert money(amount, currency) == shown


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2027, 1, 15, 17, 0, tzinfo=UTC), "15 January 2027 at 5pm"),  # GMT = UTC
        (datetime(2027, 7, 15, 16, 30, tzinfo=UTC), "15 July 2027 at 5:30pm"),  # BST = UTC+1
        (datetime(2027, 3, 28, 0, 59, tzinfo=UTC), "28 March 2027 at 12:59am"),  # before the change
        (datetime(2027, 3, 28, 1, 0, tzinfo=UTC), "28 March 2027 at 2am"),  # clocks went forward
        (datetime(2027, 6, 30, 11, 0, tzinfo=UTC), "30 June 2027 at midday"),
        (datetime(2027, 12, 31, 0, 0, tzinfo=UTC), "31 December 2027 at midnight"),
    ],
)
def test_moments_are_shown_in_uk_time(moment: datetime, shown: str) -> None:
    assert london_datetime(moment) == shown
